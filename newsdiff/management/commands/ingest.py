from django.core.management.base import BaseCommand, CommandError

from newsdiff.ingest import FAILED, ingest_story
from newsdiff.storyfile import StoryFileError


class Command(BaseCommand):
    help = "Create or update a story from its folder (story.toml and article files)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a story.toml file or the folder holding it")

    def handle(self, *args, path, **options):
        try:
            report = ingest_story(path)
        except StoryFileError as e:
            raise CommandError(f"nothing stored: {e}") from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for r in report.results:
            line = f"{r.outcome:9} {r.source}" + (f": {r.message}" if r.message else "")
            self.stdout.write(self.style.ERROR(line) if r.outcome == FAILED else line)
        self.stdout.write(f"{report.story.slug}: {report.summary()}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} of {len(report.results)} article files failed")

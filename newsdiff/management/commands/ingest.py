from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from newsdiff.ingest import CREATED, FAILED, UPDATED, ingest_story
from newsdiff.management.alignment import AlignsStories
from newsdiff.storyfile import StoryFileError


class Command(AlignsStories, BaseCommand):
    help = "Create or update a story from its folder (story.toml and article files), then align it."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a story.toml file or the folder holding it")
        parser.add_argument("--no-align", action="store_true",
                            help="do not start an alignment job when articles were created or updated")
        parser.add_argument("--merge", action="store_true",
                            help="add the folder's articles to the stored story of its slug even when that "
                                 "story has none of them (otherwise refused: it is likely another story)")

    def handle(self, *args, path, no_align, merge=False, **options):
        try:
            self._ingest(path, no_align, merge)
        except OperationalError as e:  # each article is stored whole or not at all: re-running completes it
            raise CommandError(f"the database is unavailable ({e}); articles not reported above were not "
                               "stored, run ingest again") from None

    def _ingest(self, path, no_align, merge):
        try:
            report = ingest_story(path, merge=merge)
        except StoryFileError as e:
            raise CommandError(f"nothing stored: {e}") from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for r in report.results:
            line = f"{r.outcome:9} {r.source}" + (f": {r.message}" if r.message else "")
            self.stdout.write(self.style.ERROR(line) if r.outcome == FAILED else line)
        self.stdout.write(f"{report.story.slug}: {report.summary()}")
        counts = report.passage_counts()
        if counts is not None:
            self.stdout.write(f"{report.story.slug}: passages {counts}")
        if report.encoded:
            self.stdout.write(f"{report.story.slug}: {report.encoded} passage texts encoded in "
                              f"{report.encode_seconds:.1f} s on {report.encode_workers} process(es)")
        if report.encode_queued:
            self.stdout.write(f"{report.story.slug}: {report.encode_queued} articles queued for encoding "
                              f"(the task queue's workers encode them)")
        if not no_align and (report.count(CREATED) or report.count(UPDATED)):
            self.align_story(report.story)
        if report.failed:
            raise CommandError(f"{len(report.failed)} of {len(report.results)} article files failed")

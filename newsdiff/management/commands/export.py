import sys

from django.core.management.base import BaseCommand, CommandError

from newsdiff.export import story_json, write_pairs_csv
from newsdiff.models import Passage, Story


class Command(BaseCommand):
    help = "Export a story as JSON (everything) or CSV (one row per aligned pair), written as it is read."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, slug, format, output, **options):
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            known = ", ".join(Story.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no story {slug!r} (stories: {known})")
        try:
            out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        except OSError as e:
            raise CommandError(f"cannot write {output}: {e.strerror}") from None
        try:
            if format == "json":
                for piece in story_json(story):  # streamed: a 1,000-article story never sits whole in memory
                    out.write(piece)
            else:
                write_pairs_csv(story, out)
        finally:
            if output:
                out.close()
        if output:
            self.stderr.write(
                f"wrote {output}: {story.articles.count()} articles, "
                f"{Passage.objects.of_story(story).count()} passages, {story.pairs.count()} aligned pairs"
            )

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from newsdiff.export import story_export, write_pairs_csv
from newsdiff.models import Story


class Command(BaseCommand):
    help = "Export a story as JSON (everything) or CSV (one row per aligned pair)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, slug, format, output, **options):
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            known = ", ".join(Story.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no story {slug!r} (stories: {known})")
        data = story_export(story)
        try:
            out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        except OSError as e:
            raise CommandError(f"cannot write {output}: {e.strerror}") from None
        try:
            if format == "json":
                json.dump(data, out, ensure_ascii=False, indent=1)
                out.write("\n")
            else:
                write_pairs_csv(data, out)
        finally:
            if output:
                out.close()
        if output:
            self.stderr.write(
                f"wrote {output}: {len(data['articles'])} articles, {len(data['passages'])} passages, "
                f"{len(data['alignments'])} aligned pairs"
            )

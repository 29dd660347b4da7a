from django.core.management.base import BaseCommand, CommandError

from newsdiff.fixture import FixtureError, story_fixture
from newsdiff.storyfile import StoryFileError
from newsdiff.tagfile import TagFileError


class Command(BaseCommand):
    help = "Regenerate a loaddata fixture from a story folder (the database is left as it was)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="story folder or story.toml")
        parser.add_argument("output", help="fixture file to write, e.g. fixtures/biden_putin_2021.json")
        parser.add_argument("--tags", help="a file of editor decisions to include (see newsdiff/tagfile.py)")

    def handle(self, *args, path, output, tags=None, **options):
        try:
            text = story_fixture(path, tags)
        except (StoryFileError, FixtureError, TagFileError) as e:
            raise CommandError(str(e)) from None
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
        self.stdout.write(f"wrote {output}")

from django.core.management.base import BaseCommand, CommandError

from newsdiff.attribution import attribute_story
from newsdiff.models import Story


class Command(BaseCommand):
    help = "Re-run voice and speaker attribution for a story (an editor's choices are kept)."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            raise CommandError(f"no story {slug!r}")
        articles, changed = attribute_story(story)
        self.stdout.write(f"{story.slug}: {articles} articles attributed, {changed} passages changed")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from newsdiff.fetch import FetchError, fetch_page, source_name
from newsdiff.ingest import CREATED, FAILED, UPDATED, add_article
from newsdiff.management.alignment import AlignsStories
from newsdiff.models import Story
from newsdiff.storyfile import StoryFileError


class Command(AlignsStories, BaseCommand):
    help = ("Fetch a web page, store its article in a stored story (as ingest stores an .html file), "
            "then align the story.")

    def add_arguments(self, parser):
        parser.add_argument("story", help="the story's slug")
        parser.add_argument("url", help="the article's http or https address")
        parser.add_argument("--outlet", help="the outlet's name (else the page's site name)")
        parser.add_argument("--timeout", type=float, default=settings.NEWSDIFF_FETCH_TIMEOUT,
                            help="seconds to wait for the page, in all (default %(default)s)")
        parser.add_argument("--no-align", action="store_true", help="do not start an alignment job")

    def handle(self, *args, story, url, outlet=None, timeout=None, no_align=False, **options):
        found = Story.objects.filter(slug=story).first()
        if found is None:
            raise CommandError(f"no story {story!r}: ingest its folder first (manage.py ingest FOLDER), "
                               "or create it in the admin")
        try:
            page = fetch_page(url, timeout=timeout, max_bytes=settings.NEWSDIFF_MAX_ARTICLE_BYTES,
                              allow_private=settings.NEWSDIFF_FETCH_PRIVATE)
        except FetchError as e:
            raise CommandError(f"nothing stored: {url}: {e}") from None
        try:
            report = add_article(found, source_name(url), page.data, outlet=outlet, url=url, charset=page.charset)
        except StoryFileError as e:
            raise CommandError(f"nothing stored: {e}") from None
        except OperationalError as e:
            raise CommandError(f"the database is unavailable ({e}); nothing stored, run add_article again") from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        [result] = report.results
        if result.outcome == FAILED:
            raise CommandError(f"nothing stored: {result.source}: {result.message}")
        self.stdout.write(f"{result.outcome:9} {result.source}" + (f": {result.message}" if result.message else ""))
        if not no_align and result.outcome in (CREATED, UPDATED):
            self.align_story(found)

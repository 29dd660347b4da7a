"""Build the demo fixture from a story folder without touching the database's data."""
from __future__ import annotations

import json

from django.core import serializers
from django.db import transaction

from .ingest import ingest_story
from .models import Article, Outlet, Passage, Speaker, Story, Voice
from .storyfile import load_story

# Timestamps would make every rebuild differ, and loaddata saves raw (it does not fill them in):
# they are pinned to the story's date so the fixture is a pure function of the folder.
VOLATILE_FIELDS = {"created_at", "updated_at"}


class FixtureError(RuntimeError):
    pass


def story_fixture(path) -> str:
    """The JSON fixture of a story ingested afresh from `path`, with natural keys."""
    with transaction.atomic():
        spec_slug = _ingest_fresh(path)
        story = Story.objects.get(slug=spec_slug)
        objects = [
            *Outlet.objects.filter(articles__story=story).distinct().order_by("name"),
            story,
            *Voice.objects.filter(story=story).order_by("position"),
            *Speaker.objects.filter(story=story).order_by("name"),
            *Article.objects.filter(story=story).order_by("source"),
            *Passage.objects.filter(article__story=story).order_by("article__source", "position"),
        ]
        data = json.loads(
            serializers.serialize("json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True)
        )
        pinned = f"{story.date.isoformat() if story.date else '2000-01-01'}T00:00:00Z"
        transaction.set_rollback(True)
    for item in data:
        for name in VOLATILE_FIELDS & item["fields"].keys():
            item["fields"][name] = pinned
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _ingest_fresh(path) -> str:
    Story.objects.filter(slug=load_story(path).slug).delete()
    report = ingest_story(path)
    if report.failed:
        raise FixtureError("; ".join(f"{r.source}: {r.message}" for r in report.failed))
    return report.story.slug

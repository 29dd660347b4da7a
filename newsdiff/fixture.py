"""Build the demo fixture from a story folder without touching the database's data."""
from __future__ import annotations

import json

from django.core import serializers
from django.db import transaction
from django.utils.dateparse import parse_datetime

from . import editing
from .ingest import ingest_story
from .jobs import run_alignment, start_alignment
from .models import AlignedPair, Article, Outlet, Passage, Speaker, Story, Voice
from .storyfile import load_story
from .tagfile import PairTag, PassageRef, parse_tags

# Timestamps would make every rebuild differ, and loaddata saves raw (it does not fill them in):
# they are pinned to the story's date so the fixture is a pure function of the folder.
VOLATILE_FIELDS = {"created_at", "updated_at"}


class FixtureError(RuntimeError):
    pass


def story_fixture(path, tags_path=None) -> str:
    """The JSON fixture of a story ingested afresh from `path`, with natural keys.

    With `tags_path` (a tag file, see `tagfile`), the story is also aligned and
    the editor-tagged pairs are included: the demo's `align` then keeps them.
    """
    tags = parse_tags(open(tags_path, encoding="utf-8").read(), str(tags_path)) if tags_path else []
    with transaction.atomic():
        spec_slug = _ingest_fresh(path)
        story = Story.objects.get(slug=spec_slug)
        pinned = f"{story.date.isoformat() if story.date else '2000-01-01'}T00:00:00Z"
        tagged = _apply_tags(story, tags, parse_datetime(pinned)) if tags else []
        objects = [
            *Outlet.objects.filter(articles__story=story).distinct().order_by("name"),
            story,
            *Voice.objects.filter(story=story).order_by("position"),
            *Speaker.objects.filter(story=story).order_by("name"),
            *Article.objects.filter(story=story).order_by("source"),
            *Passage.objects.of_story(story).order_by("article__source", "position"),
            *tagged,
        ]
        data = json.loads(
            serializers.serialize("json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True)
        )
        for item in data:  # exchanges, a pair's evidence: the demo's own alignment run makes them again
            if item["model"] == "newsdiff.alignedpair":
                item["fields"]["features"] = {}
            elif item["model"] == "newsdiff.passage":
                item["fields"]["exchange"] = None
            elif item["model"] == "newsdiff.article":
                del item["fields"]["detections"]  # attribution's cache: read again when first needed
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


def _find(story: Story, ref: PassageRef) -> Passage:
    found = list(Passage.objects.of_story(story).live().filter(article__source=ref.file, text__contains=ref.says))
    if len(found) != 1:
        raise FixtureError(f"{ref.file}: {len(found)} passages say {ref.says!r} (need exactly one)")
    return found[0]


def _apply_tags(story: Story, tags: list[PairTag], when) -> list[AlignedPair]:
    """Align the story, then set each tag on its pair (created when the job did not propose it).

    A tag is an editor's decision like any other, made through `editing` as the tag's editor at `when`.
    """
    run_alignment(start_alignment(story, enqueue=False).pk)
    pairs = []
    for tag in tags:
        a, b = sorted((_find(story, tag.a), _find(story, tag.b)), key=lambda p: p.pk)
        if a.article_id == b.article_id:
            raise FixtureError(f"{tag.a.file}: a tagged pair joins two articles, not one article to itself")
        pair, _ = AlignedPair.objects.get_or_create(story=story, a=a, b=b,
                                                   defaults={"score": 0.0, "method": "editor"})
        editing.tag_pairs([pair], tag.tagged_by, at=when, status=tag.status, relation=tag.relation, note=tag.note)
        pairs.append(pair)
    return sorted(pairs, key=lambda p: (p.a.article.source, p.a.position, p.b.article.source, p.b.position))

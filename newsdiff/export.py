"""A story as data: the public JSON export and a CSV of its aligned pairs.

The JSON keys are a public interface (the scorer and researchers read them):
story, voices, articles (with voice_share), passages, alignments, exchanges.
Both exports run a fixed number of queries whatever the story's size.

A retired passage (a sentence a re-ingest found gone, kept for an editor's
decision) is listed with `"retired": true`, its old text and its old offsets
(into the body as it was); it counts in no voice share and no exchange, and
its tagged pairs are listed (flagged stale) like any other.
"""
from __future__ import annotations

import csv
from collections import defaultdict

from .models import AlignedPair, Article, Exchange, Passage, Story
from .grid import shown_passages
from .selectors import voice_shares


def story_export(story: Story, filters=None) -> dict:
    """The story as data. With `filters` (a `filters.Filters` that narrows anything), only what the story
    page shows under them: its passages (live ones) and the pairs between them, the filter recorded."""
    voices = list(story.voices.all())
    default = next((v for v in voices if v.is_default), None)
    slug_of = {v.pk: v.slug for v in voices}
    articles = list(Article.objects.filter(story=story).select_related("outlet").order_by("source"))
    passages = list(
        Passage.objects.of_story(story)
        .select_related("speaker")
        .order_by("article__source", "position")
    )

    def voice_slug(p: Passage) -> str | None:
        return slug_of.get(p.voice_id) or (default.slug if default else None)

    live = [p for p in passages if not p.retired]
    shares = voice_shares([(p.article_id, voice_slug(p), p.text) for p in live], [v.slug for v in voices])
    pairs = AlignedPair.objects.filter(story=story).order_by("a_id", "b_id")
    if filters is not None:
        shown = shown_passages(story, filters)
        passages = live = [p for p in live if p.pk in shown]
        pairs = [pair for pair in pairs.shown(filters) if pair.a_id in shown and pair.b_id in shown]
    exchanges = Exchange.objects.filter(story=story).order_by("position", "pk")
    members = defaultdict(list)
    for p in live:
        if p.exchange_id:
            members[p.exchange_id].append(p.pk)

    return {
        "story": {"slug": story.slug, "title": story.title, "date": _iso(story.date)},
        **({"filtered_as_on_the_story_page": filters.describe()} if filters is not None else {}),
        "voices": [
            {"slug": v.slug, "name": v.name, "default": v.is_default, "institutions": v.institutions}
            for v in voices
        ],
        "articles": [
            {
                "id": a.pk,
                "source": a.source,
                "outlet": a.outlet.name,
                "title": a.title,
                "url": a.url,
                "published": _iso(a.published),
                "encoding": a.encoding,
                "voice_share": shares.get(a.pk, {v.slug: 0.0 for v in voices}),
            }
            for a in articles
        ],
        "passages": [
            {
                "id": p.pk,
                "article": p.article_id,
                "position": p.position,
                "paragraph": p.paragraph,
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "kind": p.kind,
                "voice": voice_slug(p),
                "speaker": p.speaker.name if p.speaker else None,
                "voice_decided_by": p.voice_decided_by,
                "voice_rule": p.voice_rule,
                "exchange": p.exchange_id,
                "retired": p.retired,
                "retired_at": _iso(p.retired_at),
            }
            for p in passages
        ],
        "alignments": [
            {
                "a": pair.a_id,
                "b": pair.b_id,
                "score": round(pair.score, 4),
                "relation": pair.relation,
                "status": pair.status,
                "method": pair.method,
                "stale": pair.stale,
                "tagged_by": pair.tagged_by or None,
                "tagged_at": pair.tagged_at.isoformat() if pair.tagged_at else None,
                "note": pair.note,
            }
            for pair in pairs
        ],
        "exchanges": [
            {"id": ex.pk, "title": ex.title, "position": ex.position, "passages": members.get(ex.pk, [])}
            for ex in exchanges
        ],
    }


CSV_COLUMNS = [
    "a", "b", "score", "relation", "status", "method", "stale", "tagged_by", "tagged_at", "note",
    "a_outlet", "a_voice", "a_text", "b_outlet", "b_voice", "b_text",
]


def write_pairs_csv(data: dict, out) -> int:
    """Write one row per aligned pair of an export, both passages' text beside it; returns the row count."""
    outlet_of = {a["id"]: a["outlet"] for a in data["articles"]}
    passages = {p["id"]: p for p in data["passages"]}
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for pair in data["alignments"]:
        a, b = passages[pair["a"]], passages[pair["b"]]
        writer.writerow({
            **{k: pair[k] for k in CSV_COLUMNS[:10]},
            "a_outlet": outlet_of[a["article"]], "a_voice": a["voice"], "a_text": a["text"],
            "b_outlet": outlet_of[b["article"]], "b_voice": b["voice"], "b_text": b["text"],
        })
    return len(data["alignments"])


PASSAGE_CSV_COLUMNS = ["id", "outlet", "article_title", "url", "published", "position", "kind", "voice",
                       "speaker", "exchange", "retired", "text"]


def write_passages_csv(data: dict, out) -> int:
    """Write one row per passage of an export, with its outlet, article, URL and exchange title; returns the count."""
    articles = {a["id"]: a for a in data["articles"]}
    exchange_title = {e["id"]: e["title"] for e in data["exchanges"]}
    writer = csv.DictWriter(out, fieldnames=PASSAGE_CSV_COLUMNS)
    writer.writeheader()
    for p in data["passages"]:
        article = articles[p["article"]]
        writer.writerow({
            "id": p["id"], "outlet": article["outlet"], "article_title": article["title"], "url": article["url"],
            "published": article["published"] or "", "position": p["position"], "kind": p["kind"],
            "voice": p["voice"], "speaker": p["speaker"] or "", "exchange": exchange_title.get(p["exchange"], ""),
            "retired": p["retired"], "text": p["text"],
        })
    return len(data["passages"])


def _iso(value):
    return value.isoformat() if value else None

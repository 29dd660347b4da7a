"""A story as data: the public JSON export, a CSV of its aligned pairs and a CSV of its passages.

The JSON keys are a public interface (the scorer and researchers read them):
story, voices, articles (with voice_share), passages, alignments, exchanges.

Every export is written piece by piece (`story_json`, `pair_rows`, `passage_rows` are generators) from
querysets read in chunks (`.iterator(chunk_size=...)`), so a 1,000-article story streams in the memory of
a few thousand rows: what is held whole is only per article (voice shares) and per passage id (the
exchanges' members, the filtered view's passages). Each export runs a fixed number of queries
whatever the story's size. `story_export` is the same JSON as a dict.

A retired passage (a sentence a re-ingest found gone, kept for an editor's decision) is listed with
`"retired": true`, its old text and its old offsets (into the body as it was); it counts in no voice
share and no exchange, and its tagged pairs are listed (flagged stale) like any other.
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from .grid import shown_passages
from .models import AlignedPair, Article, Exchange, Passage, Story

CHUNK = 2000  # rows read from the database at a time


class _Voices:
    """The story's voices and the slug a passage is exported with (the default voice's when it has none)."""

    def __init__(self, story: Story):
        self.voices = list(story.voices.all())
        self.default = next((v.slug for v in self.voices if v.is_default), None)
        self._slug_of = {v.pk: v.slug for v in self.voices}

    def slug(self, voice_id: int | None) -> str | None:
        return self._slug_of.get(voice_id) or self.default


def _voice_shares(story: Story, voices: _Voices) -> dict[int, dict[str, float]]:
    """Per article id, the fraction of its live words in each voice (every live passage, filtered view or
    not), read in chunks: words counted, not kept."""
    slugs = [v.slug for v in voices.voices]
    words: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(slugs, 0))
    rows = Passage.objects.of_story(story).live().values_list("article_id", "voice_id", "text")
    for article_id, voice_id, text in rows.iterator(chunk_size=CHUNK):
        slug = voices.slug(voice_id)
        words[article_id][slug] = words[article_id].get(slug, 0) + len(text.split())
    shares = {}
    for article_id, counts in words.items():
        total = sum(counts.values()) or 1
        shares[article_id] = {slug: round(n / total, 4) for slug, n in counts.items()}
    return shares


def _article_records(story: Story, voices: _Voices) -> Iterator[dict]:
    shares = _voice_shares(story, voices)
    empty = {v.slug: 0.0 for v in voices.voices}
    articles = (Article.objects.filter(story=story).select_related("outlet").order_by("source")
                .defer("raw_text", "body", "detections"))
    for a in articles.iterator(chunk_size=CHUNK):
        yield {"id": a.pk, "source": a.source, "outlet": a.outlet.name, "title": a.title, "url": a.url,
               "published": _iso(a.published), "encoding": a.encoding, "voice_share": shares.get(a.pk, empty)}


def _passage_records(story: Story, voices: _Voices, shown: set[int] | None,
                     members: dict[int, list[int]]) -> Iterator[dict]:
    """The passages in article and position order; fills `members` (exchange id -> live passage ids)."""
    passages = Passage.objects.of_story(story).select_related("speaker").order_by("article__source", "position")
    if shown is not None:
        passages = passages.filter(retired_at__isnull=True)
    for p in passages.iterator(chunk_size=CHUNK):
        if shown is not None and p.pk not in shown:
            continue
        if p.exchange_id and not p.retired:
            members[p.exchange_id].append(p.pk)
        yield {"id": p.pk, "article": p.article_id, "position": p.position, "paragraph": p.paragraph,
               "start": p.start, "end": p.end, "text": p.text, "kind": p.kind, "voice": voices.slug(p.voice_id),
               "speaker": p.speaker.name if p.speaker else None, "voice_decided_by": p.voice_decided_by,
               "voice_rule": p.voice_rule, "exchange": p.exchange_id, "retired": p.retired,
               "retired_at": _iso(p.retired_at)}


PAIR_FIELDS = ("a_id", "b_id", "score", "relation", "status", "method", "stale", "tagged_by", "tagged_at", "note")


def _pairs(story: Story, filters, shown: set[int] | None):
    """The story's pairs (as PAIR_FIELDS tuples) in (a, b) order: with filters, those the story page shows."""
    pairs = AlignedPair.objects.filter(story=story)
    if filters is not None:
        pairs = pairs.shown(filters)
    for row in pairs.order_by("a_id", "b_id").values_list(*PAIR_FIELDS).iterator(chunk_size=CHUNK):
        if shown is None or (row[0] in shown and row[1] in shown):
            yield row


def _alignment_record(row: tuple) -> dict:
    a, b, score, relation, status, method, stale, tagged_by, tagged_at, note = row
    return {"a": a, "b": b, "score": round(score, 4), "relation": relation, "status": status, "method": method,
            "stale": stale, "tagged_by": tagged_by or None, "tagged_at": tagged_at.isoformat() if tagged_at else None,
            "note": note}


def _sections(story: Story, filters=None) -> Iterator[tuple[str, object]]:
    """The export's keys in order, each with its value: a plain value, or an iterator of records to stream."""
    voices = _Voices(story)
    shown = shown_passages(story, filters) if filters is not None else None
    members: dict[int, list[int]] = defaultdict(list)
    yield "story", {"slug": story.slug, "title": story.title, "date": _iso(story.date)}
    if filters is not None:
        yield "filtered_as_on_the_story_page", filters.describe()
    yield "voices", [{"slug": v.slug, "name": v.name, "default": v.is_default, "institutions": v.institutions}
                     for v in voices.voices]
    yield "articles", _article_records(story, voices)
    yield "passages", _passage_records(story, voices, shown, members)  # exchanges below read what it fills
    yield "alignments", (_alignment_record(row) for row in _pairs(story, filters, shown))
    yield "exchanges", ({"id": ex.pk, "title": ex.title, "position": ex.position, "passages": members.get(ex.pk, [])}
                        for ex in Exchange.objects.filter(story=story).order_by("position", "pk"))


def story_json(story: Story, filters=None) -> Iterator[str]:
    """The story as JSON text, in pieces (one record a line). With `filters` (a `filters.Filters` that
    narrows anything), only what the story page shows under them: its passages (live ones) and the pairs
    between them, the filter recorded."""
    yield "{"
    for n, (key, value) in enumerate(_sections(story, filters)):
        yield f'{"," if n else ""}\n{json.dumps(key)}: '
        if isinstance(value, Iterator):
            yield "["
            for m, record in enumerate(value):
                yield ("," if m else "") + "\n " + json.dumps(record, ensure_ascii=False)
            yield "\n]"
        else:
            yield json.dumps(value, ensure_ascii=False)
    yield "\n}\n"


def story_export(story: Story, filters=None) -> dict:
    """The JSON export as a dict (the same content as `story_json`)."""
    return {key: list(value) if isinstance(value, Iterator) else value for key, value in _sections(story, filters)}


CSV_COLUMNS = [
    "a", "b", "score", "relation", "status", "method", "stale", "tagged_by", "tagged_at", "note",
    "a_outlet", "a_voice", "a_text", "b_outlet", "b_voice", "b_text",
]


def pair_rows(story: Story, filters=None) -> Iterator[dict]:
    """One CSV row per aligned pair (of the filtered view, with `filters`), both passages' text beside it."""
    voices = _Voices(story)
    shown = shown_passages(story, filters) if filters is not None else None
    pairs = AlignedPair.objects.filter(story=story)
    if filters is not None:
        pairs = pairs.shown(filters)
    sides = ("a__article__outlet__name", "a__voice_id", "a__text", "b__article__outlet__name", "b__voice_id", "b__text")
    for row in pairs.order_by("a_id", "b_id").values_list(*PAIR_FIELDS, *sides).iterator(chunk_size=CHUNK):
        if shown is not None and not (row[0] in shown and row[1] in shown):
            continue
        record = _alignment_record(row[:10])
        a_outlet, a_voice, a_text, b_outlet, b_voice, b_text = row[10:]
        yield {**record, "a_outlet": a_outlet, "a_voice": voices.slug(a_voice), "a_text": a_text,
               "b_outlet": b_outlet, "b_voice": voices.slug(b_voice), "b_text": b_text}


PASSAGE_CSV_COLUMNS = ["id", "outlet", "article_title", "url", "published", "position", "kind", "voice",
                       "speaker", "exchange", "retired", "text"]


def passage_rows(story: Story, filters=None) -> Iterator[dict]:
    """One CSV row per passage (of the filtered view, with `filters`), with its outlet, article, URL and
    exchange title."""
    voices = _Voices(story)
    shown = shown_passages(story, filters) if filters is not None else None
    passages = Passage.objects.of_story(story).order_by("article__source", "position")
    if shown is not None:
        passages = passages.filter(retired_at__isnull=True)
    columns = ("pk", "article__outlet__name", "article__title", "article__url", "article__published", "position",
               "kind", "voice_id", "speaker__name", "exchange__title", "retired_at", "text")
    for row in passages.values_list(*columns).iterator(chunk_size=CHUNK):
        pk, outlet, title, url, published, position, kind, voice_id, speaker, exchange, retired_at, text = row
        if shown is not None and pk not in shown:
            continue
        yield {"id": pk, "outlet": outlet, "article_title": title, "url": url, "published": _iso(published) or "",
               "position": position, "kind": kind, "voice": voices.slug(voice_id), "speaker": speaker or "",
               "exchange": exchange or "", "retired": retired_at is not None, "text": text}


def csv_lines(rows: Iterable[dict], columns: list[str]) -> Iterator[str]:
    """CSV text, a header and then one line a row, as it is written."""
    line = _Line()
    writer = csv.DictWriter(line, fieldnames=columns)
    writer.writeheader()
    yield line.take()
    for row in rows:
        writer.writerow(row)
        yield line.take()


def write_pairs_csv(story: Story, out, filters=None) -> int:
    """Write the pairs CSV to `out` (a text file); returns the row count."""
    return _write(csv_lines(pair_rows(story, filters), CSV_COLUMNS), out)


def write_passages_csv(story: Story, out, filters=None) -> int:
    """Write the passages CSV to `out` (a text file); returns the row count."""
    return _write(csv_lines(passage_rows(story, filters), PASSAGE_CSV_COLUMNS), out)


def _write(lines: Iterator[str], out) -> int:
    n = -1  # the header is no row
    for n, text in enumerate(lines):
        out.write(text)
    return n


class _Line:
    """A file csv.writer writes one line into, taken as it is written."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def _iso(value):
    return value.isoformat() if value else None

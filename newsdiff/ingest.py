"""Store a story folder: the story, its voices and speakers, and each article.

The ORM edge of the text pipeline. Reading and checking a file
(`prepare_article`) touches no database; `store_article` writes one article
and all its passages in one transaction, or nothing. A changed article is
reconciled with what is stored (`reconcile_passages`): its passages keep their
rows and every editor's decision, and none an editor touched is ever deleted.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .align.encoder import EncoderUnavailable
from .attribution import attribute_article, attribute_story, officials_in, roster_for, stored_officials
from .encoder_pool import default_workers, processes_for
from .encodings import encode_missing
from .models import AlignedPair, AlignmentIndex, Article, Outlet, Passage, Speaker, Story, Voice
from .queueing import jobs_are_queued
from .storyfile import ArticleSpec, StoryFileError, StorySpec, article_spec, load_story
from .text.attribute import Roster
from .text.clean import CleanArticle, TextError, clean_article, decode_bytes
from .text.html import decode_page, extract_page, looks_like_html
from .text.reconcile import reconcile
from .text.segment import Segment, segment

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
PASSAGE_KINDS = {"title": Passage.Kind.HEADING, "heading": Passage.Kind.HEADING,
                 "caption": Passage.Kind.CAPTION, "text": Passage.Kind.SENTENCE}


class IngestError(ValueError):
    """An article file that cannot be stored; the message names the problem."""


UNKNOWN_OUTLET = "Unknown"
# Files read as web pages (text/html.py) rather than as plain text; a file of another name whose
# bytes open as a page does is read as one too.
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class PreparedArticle:
    spec: ArticleSpec
    raw_text: str  # the input as decoded: the article's text, or the page's HTML
    encoding: str
    content_hash: str
    clean: CleanArticle
    segments: tuple[Segment, ...]
    author: str = ""
    page_url: str = ""  # the canonical address a web page gives for itself

    @property
    def outlet(self) -> str:
        return self.spec.outlet or self.clean.outlet or UNKNOWN_OUTLET

    @property
    def url(self) -> str:
        return self.spec.url or self.page_url

    @property
    def published(self):
        return self.spec.published or self.clean.published


@dataclass(frozen=True)
class PassageCounts:
    """What a re-ingest did to an article's passages."""

    kept: int = 0  # the same sentence, word for word (ids, voices, exchanges and pairs kept)
    edited: int = 0  # the same sentence with small edits (row kept; untagged pairs dropped)
    added: int = 0  # new sentences
    retired: int = 0  # gone from the text, kept for an editor's decision
    removed: int = 0  # gone from the text, deleted (no editor's decision touched them)

    FIELDS = ("kept", "edited", "added", "retired", "removed")

    def __add__(self, other: PassageCounts) -> PassageCounts:
        return PassageCounts(*(getattr(self, f) + getattr(other, f) for f in self.FIELDS))

    def __str__(self) -> str:
        return ", ".join(f"{getattr(self, f)} {f}" for f in self.FIELDS)


@dataclass(frozen=True)
class ArticleResult:
    source: str
    outcome: str  # CREATED, UPDATED, UNCHANGED or FAILED
    message: str = ""
    article_id: int | None = None
    passages: PassageCounts | None = None  # set when the article's passages were written


@dataclass
class IngestReport:
    story: Story
    results: list[ArticleResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoded: int = 0  # passage texts encoded here (texts already stored are not encoded again)
    encode_seconds: float = 0.0  # what encoding them took, part of the ingest's time
    encode_workers: int = 0  # processes the texts were encoded on (1: this one; a few texts never start a pool)
    encode_queued: int = 0  # articles handed to the task queue to be encoded there (`tasks.encode_article`)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> list[ArticleResult]:
        return [r for r in self.results if r.outcome == FAILED]

    def passage_counts(self) -> PassageCounts | None:
        """Passages kept, edited, added, retired and removed over the articles whose text was written."""
        written = [r.passages for r in self.results if r.passages is not None]
        return sum(written, PassageCounts()) if written else None

    def summary(self) -> str:
        parts = [f"{self.count(o)} {o}" for o in (CREATED, UPDATED, UNCHANGED, FAILED) if self.count(o)]
        return ", ".join(parts) or "no articles"


def prepare_article(spec: ArticleSpec, max_bytes: int | None = None) -> PreparedArticle:
    """Read and prepare an article file; IngestError when it cannot be stored."""
    max_bytes = max_bytes or settings.NEWSDIFF_MAX_ARTICLE_BYTES
    try:
        size = spec.path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"file too large: {size:,} bytes (the limit is {max_bytes:,})")
        data = spec.path.read_bytes()
    except OSError as e:
        raise IngestError(f"cannot read: {e.strerror or e}") from None
    return prepare_data(spec, data)


def is_page(source: str, data: bytes) -> bool:
    """Whether an article's bytes are read as a web page: by its name, or by how it opens."""
    return source.lower().endswith(HTML_SUFFIXES) or looks_like_html(data)


def prepare_data(spec: ArticleSpec, data: bytes, charset: str | None = None) -> PreparedArticle:
    """Prepare an article from its bytes (a file's, an upload's or a fetched page's); no database.

    A web page (`is_page`) has its article found by `text.html.extract_page`, whose title,
    date and site name stand where a text file's source line would (the story file's
    outlet and date still win); the text found then goes through the same cleaning and
    segmentation as a text file's. `charset` is the one an HTTP answer declared.
    """
    if not data.strip():
        raise IngestError("empty file")
    author = page_url = ""
    try:
        if is_page(spec.source, data):
            text, encoding = decode_page(data, charset)
            page = extract_page(text, url=spec.url or None)
            clean = clean_article(page.text)
            clean = replace(clean, outlet=page.site_name or clean.outlet,
                            published=page.published or clean.published)
            author, page_url = page.author or "", page.url or ""
        else:
            text, encoding = decode_bytes(data)
            clean = clean_article(text)
    except TextError as e:
        raise IngestError(str(e)) from None
    return PreparedArticle(
        spec=spec,
        raw_text=text,
        encoding=encoding,
        content_hash=hashlib.sha256(data).hexdigest(),
        clean=clean,
        segments=tuple(segment(clean.paragraphs)),
        author=author,
        page_url=page_url,
    )


def sync_story(spec: StorySpec) -> tuple[Story, list[str]]:
    """Create or update the story, its voices and its story-file speakers."""
    warnings = list(spec.warnings)
    with transaction.atomic():
        story, _ = Story.objects.update_or_create(
            slug=spec.slug,
            defaults={"title": spec.title, "date": spec.date, "options": {"aliases": [list(a) for a in spec.aliases]}},
        )
        # Clear the old default first: the database allows one default voice per story at any moment.
        story.voices.exclude(slug=spec.default_voice.slug).filter(is_default=True).update(is_default=False)
        voices = {}
        for position, v in enumerate(spec.voices):
            voices[v.slug], _ = Voice.objects.update_or_create(
                story=story,
                slug=v.slug,
                defaults={"name": v.name, "is_default": v.default, "position": position,
                          "institutions": list(v.institutions)},
            )
        for gone in story.voices.exclude(slug__in=voices):
            if gone.passages.exists() or gone.speakers.exists():
                warnings.append(f"voice {gone.slug!r} is no longer in the story file; kept because data uses it")
            else:
                gone.delete()
        for v in spec.voices:
            for name in v.speakers:
                speaker, created = Speaker.objects.get_or_create(
                    story=story, name=name,
                    defaults={"voice": voices[v.slug], "aliases": list(v.aliases.get(name, ())),
                              "origin": Speaker.Origin.STORY_FILE},
                )
                # An editor's mapping wins over the file; the file's own speakers follow the file.
                if not created and speaker.origin != Speaker.Origin.EDITOR:
                    speaker.voice = voices[v.slug]
                    speaker.aliases = list(v.aliases.get(name, ()))
                    speaker.origin = Speaker.Origin.STORY_FILE
                    speaker.save(update_fields=["voice", "aliases", "origin"])
    return story, warnings


def _same_passages(article: Article, segments: tuple[Segment, ...]) -> bool:
    stored = list(article.passages.live().values_list("start", "end", "paragraph", "kind"))
    return stored == [(s.start, s.end, s.paragraph, PASSAGE_KINDS[s.kind]) for s in segments]


def store_article(story: Story, prepared: PreparedArticle, roster: Roster | None = None) -> ArticleResult:
    """Write one article and its passages atomically; unchanged input writes nothing.

    A changed text is reconciled with the stored passages (`reconcile_passages`),
    never replaced wholesale: editors' decisions on kept sentences stay.
    """
    source = prepared.spec.source
    duplicate = (
        Article.objects.filter(story=story, content_hash=prepared.content_hash).exclude(source=source).first()
    )
    if duplicate:
        return ArticleResult(source, FAILED, f"same file content as {duplicate.source!r}, already in this story")
    fields = {
        "title": prepared.clean.title,
        "author": prepared.author,
        "url": prepared.url,
        "published": prepared.published,
        "raw_text": prepared.raw_text,
        "encoding": prepared.encoding,
        "body": prepared.clean.body,
        "content_hash": prepared.content_hash,
    }
    with transaction.atomic():
        outlet, _ = Outlet.objects.get_or_create(name=prepared.outlet)
        fields["outlet"] = outlet
        article = Article.objects.select_for_update().filter(story=story, source=source).first()
        if article is None:
            article = Article.objects.create(story=story, source=source, **fields)
            _create_passages(article, list(enumerate(prepared.segments)), story.default_voice)
            attribute_article(article, roster)
            message = f"{len(prepared.segments)} passages" + _encoding_note(prepared)
            return ArticleResult(source, CREATED, message, article.pk, PassageCounts(added=len(prepared.segments)))

        text_changed = article.body != prepared.clean.body or not _same_passages(article, prepared.segments)
        changed = [name for name, value in fields.items() if getattr(article, name) != value]
        if not changed and not text_changed:
            return ArticleResult(source, UNCHANGED, article_id=article.pk)
        for name in changed:
            setattr(article, name, fields[name])
        article.save()
        counts = None
        if text_changed:
            counts = reconcile_passages(article, prepared.segments, story.default_voice)
            attribute_article(article, roster)
        message = ", ".join(changed) + (f"; passages {counts}" if counts else "") + _encoding_note(prepared)
        return ArticleResult(source, UPDATED, message, article.pk, counts)


def _encoding_note(prepared: PreparedArticle) -> str:
    return "" if prepared.encoding == "utf-8" else f" (not UTF-8: read as {prepared.encoding})"


def reconcile_passages(article: Article, segments: tuple[Segment, ...], default_voice: Voice | None) -> PassageCounts:
    """Bring an article's passages in line with its new segments, keeping every decision editors made.

    Run inside the caller's transaction. A live passage whose sentence is still there
    (word for word, or with small edits: `text.reconcile`) keeps its row: id, voice,
    speaker, exchange and pairs; an edited one loses only its untagged pairs (the next
    alignment proposes them again). A sentence that is gone is deleted, with its pairs,
    unless an editor's decision touches it (a tagged pair, a voice or speaker an editor
    set, an exchange an editor moved it to): then it is retired, keeping its old text
    and its tagged pairs, which are flagged stale. A new sentence that is word for word a
    retired passage's brings that passage back (counted as kept); any other is added.
    """
    live = list(article.passages.live().order_by("position"))
    retired = list(article.passages.retired().order_by("position"))
    match = reconcile([p.text for p in live], [s.text for s in segments])
    highest = max((p.position for p in live + retired), default=-1)  # before any row changes list
    kept = {n: live[o] for n, o in match.matched.items()}  # new index -> the passage that keeps it
    edited = [live[o] for o, _ in match.edited]
    retired_by_text = {}
    for p in reversed(retired):
        retired_by_text[p.text] = p
    restored = 0
    for n in match.added:
        back = retired_by_text.pop(segments[n].text, None)
        if back is not None:
            back.retired_at = None
            kept[n] = back
            retired.remove(back)
            restored += 1
    added = [(n, segments[n]) for n in match.added if n not in kept]

    gone = [live[o] for o in match.removed]
    decided = _decided_by_editor(gone)
    to_retire = [p for p in gone if p.pk in decided]
    to_delete = [p.pk for p in gone if p.pk not in decided]
    now = timezone.now()
    Passage.objects.filter(pk__in=to_delete).delete()  # their pairs go with them (none is tagged)
    changed_ids = [p.pk for p in edited + to_retire]
    AlignedPair.objects.filter(Q(a_id__in=changed_ids) | Q(b_id__in=changed_ids), tagged_at__isnull=True).delete()
    # `update()` applies no auto_now: the timestamp is set here.
    AlignedPair.objects.filter(Q(a__in=to_retire) | Q(b__in=to_retire)).update(stale=True, updated_at=now)

    # Positions are unique per article, checked row by row: first move every remaining row
    # past both the old and the final positions (one statement), then write the final ones,
    # live passages first and retired ones after them.
    shift = max(len(segments) + len(retired) + len(to_retire), highest + 1)
    article.passages.update(position=F("position") + shift)
    rows = []
    for n, passage in kept.items():
        s = segments[n]
        passage.position, passage.paragraph, passage.start, passage.end = n, s.paragraph, s.start, s.end
        passage.text, passage.kind = s.text, PASSAGE_KINDS[s.kind]
        rows.append(passage)
    for offset, passage in enumerate(retired + to_retire):
        passage.position = len(segments) + offset
        passage.retired_at = passage.retired_at or now
        rows.append(passage)
    Passage.objects.bulk_update(rows, ["position", "paragraph", "start", "end", "text", "kind", "retired_at"])
    _create_passages(article, added, default_voice)
    # The alignment index describes the story's sentences as they were (terms, vectors, neighbours): a corrected
    # article makes the next alignment a full one. Only a new article is aligned against the index.
    AlignmentIndex.objects.filter(story_id=article.story_id).delete()
    return PassageCounts(kept=len(match.same) + restored, edited=len(edited), added=len(added),
                         retired=len(to_retire), removed=len(to_delete))


def _decided_by_editor(passages: list[Passage]) -> set[int]:
    """The ids among `passages` that an editor's decision touches: a tagged pair, a voice, an exchange move."""
    ids = [p.pk for p in passages]
    decided = {p.pk for p in passages if Passage.DecidedBy.EDITOR in (p.voice_decided_by, p.exchange_decided_by)}
    for a, b in AlignedPair.objects.filter(Q(a_id__in=ids) | Q(b_id__in=ids), tagged_at__isnull=False).values_list(
            "a_id", "b_id"):
        decided.update({a, b})
    return decided & set(ids)


def _create_passages(article, numbered_segments, default_voice) -> None:
    """Create a passage for each (position, segment)."""
    Passage.objects.bulk_create([
        Passage(article=article, position=position, paragraph=s.paragraph, start=s.start, end=s.end,
                text=s.text, kind=PASSAGE_KINDS[s.kind], voice=default_voice)
        for position, s in numbered_segments
    ])


class StoryClash(StoryFileError):
    """The folder's slug names another story: nothing is stored unless the caller merges."""


def _relabel_if_officials_were_found(report: IngestReport) -> None:
    """Label the story again when the articles just stored change who its officials are: someone
    new introduced by title (other articles may name them: "Orlova said"), or someone an article
    now calls a former official, or no longer names. Officials are decided from every article's
    stored detections, the changed ones read again (`attribution.officials_in`), so the outcome
    does not depend on the order of uploads and an upload reads only itself.

    After the articles' own transactions: they stay stored whatever happens here. Any failure
    (a locked database, a rule that breaks on some text) leaves the labels as they were, is
    logged, and the report says how to redo it; the ingest's other steps still run.
    """
    story = report.story
    changed = [r.article_id for r in report.results if r.outcome in (CREATED, UPDATED)]
    if not changed:
        return
    try:
        officials = officials_in(story, changed)
        if officials == stored_officials(story):
            return
        with transaction.atomic():
            attribute_story(story, officials=officials, only_naming_changes=True)
    except Exception as e:  # noqa: BLE001 - the articles are stored; this refresh must not lose the report
        logger.exception("relabelling %s after new officials failed", story.slug)
        report.warnings.append(f"the story's articles were not relabelled with the officials these "
                               f"articles introduce or change ({e}); run `manage.py attribute {story.slug}`")


def ingest_story(path: Path | str, *, max_bytes: int | None = None, merge: bool = False) -> IngestReport:
    """Ingest a story folder. Raises StoryFileError (nothing stored) for a bad story.toml,
    and StoryClash when the slug names a stored story that shares no article with the
    folder (another story, or a typo) unless `merge`; a bad article file is reported as
    FAILED and the others are still stored."""
    spec = load_story(path)
    prepared: list[PreparedArticle | ArticleResult] = []
    for article_spec in spec.articles:
        try:
            prepared.append(prepare_article(article_spec, max_bytes))
        except IngestError as e:
            prepared.append(ArticleResult(article_spec.source, FAILED, str(e)))
    if not merge:
        _refuse_a_clash(spec, [p for p in prepared if isinstance(p, PreparedArticle)])
    story, warnings = sync_story(spec)
    report = IngestReport(story=story, warnings=warnings)
    roster = roster_for(story)  # story-wide: built once, not per article
    for item in prepared:
        report.results.append(item if isinstance(item, ArticleResult) else store_article(story, item, roster))
    _relabel_if_officials_were_found(report)
    unknown = [p.spec.source for p in prepared if isinstance(p, PreparedArticle) and p.outlet == UNKNOWN_OUTLET]
    if unknown and len(unknown) == len(spec.articles):
        report.warnings.append(
            f"no article names its outlet, so every one is {UNKNOWN_OUTLET!r}: give each [[articles]] an "
            f'outlet = "..." in story.toml, or start each file with a "Source: Outlet name" line')
    _encode_new_passages(report)
    return report


def add_article(story: Story, source: str, data: bytes, *, outlet: str | None = None, url: str = "",
                charset: str | None = None, max_bytes: int | None = None) -> IngestReport:
    """Store one article given as bytes (a fetched page, an upload, pasted text) in a stored
    story, as `ingest_story` stores a folder's file: checked first (StoryFileError for a bad
    name, outlet or address), stored whole or not at all, an unchanged one left alone, a
    changed one reconciled. `source` names it in the story (a second article of that name
    updates the first); `outlet` wins over the one the text or page gives. A file that cannot
    be read comes back as one FAILED result, and nothing is stored.
    """
    spec = article_spec(source, outlet=outlet, url=url)
    max_bytes = max_bytes or settings.NEWSDIFF_MAX_ARTICLE_BYTES
    report = IngestReport(story=story)
    try:
        if len(data) > max_bytes:
            raise IngestError(f"file too large: {len(data):,} bytes (the limit is {max_bytes:,})")
        prepared = prepare_data(spec, data, charset)
    except IngestError as e:
        report.results.append(ArticleResult(spec.source, FAILED, str(e)))
        return report
    report.results.append(store_article(story, prepared, roster_for(story)))
    _relabel_if_officials_were_found(report)
    if report.results[0].outcome != FAILED and prepared.outlet == UNKNOWN_OUTLET:
        report.warnings.append(f"{spec.source}: no outlet found, so it is {UNKNOWN_OUTLET!r}: give one "
                               f'(--outlet "Name"), or start the text with a "Source: Outlet name" line')
    _encode_new_passages(report)
    return report


def _refuse_a_clash(spec: StorySpec, prepared: list[PreparedArticle]) -> None:
    """A stored story under this slug that has articles, none of them this folder's: refuse."""
    existing = Story.objects.filter(slug=spec.slug).first()
    if existing is None or not existing.articles.exists():
        return
    shared = existing.articles.filter(
        Q(source__in=[a.source for a in spec.articles]) | Q(content_hash__in=[p.content_hash for p in prepared])
    )
    if not shared.exists():
        raise StoryClash(
            f"{spec.path}: slug {spec.slug!r} is the story “{existing.title}” "
            f"({existing.articles.count()} articles), which has none of this folder's articles; "
            f"nothing stored. Give the folder its own slug, or add --merge to add these articles to it."
        )


def encode_workers() -> int:
    """Processes an ingest encodes on: NEWSDIFF_ENCODE_WORKERS, or one per CPU when it is 0."""
    return settings.NEWSDIFF_ENCODE_WORKERS or default_workers()


def _encode_new_passages(report: IngestReport) -> None:
    """Encode the passages of created or updated articles; texts already stored are skipped.

    After the articles' own transactions: encoding never decides whether an article is stored.
    With a queued tasks backend each article becomes one `encode_article` task, so the workers of
    every machine share a big folder; otherwise the texts are encoded here, on `encode_workers()`
    processes (`encoder_pool`), each chunk stored as it comes. A missing encoder, a worker that
    dies or a queue that refuses is a warning, not a failure: the articles are stored, and
    alignment encodes whatever is still missing.
    """
    changed = [r.article_id for r in report.results if r.outcome in (CREATED, UPDATED)]
    if not changed:
        return
    if jobs_are_queued():
        from .tasks import encode_article

        try:
            for article_id in changed:
                encode_article.enqueue(article_id)
                report.encode_queued += 1
        except Exception as e:  # noqa: BLE001 - the articles are stored; alignment encodes what is missing
            logger.exception("queueing the encoding of %s's articles failed", report.story.slug)
            report.warnings.append(f"passages of {len(changed) - report.encode_queued} articles not queued for "
                                   f"encoding ({e}); the alignment encodes them")
        return
    workers = encode_workers()
    start = time.perf_counter()
    try:
        report.encoded = encode_missing(
            Passage.objects.live().filter(article_id__in=changed).values_list("text", flat=True), workers=workers)
        report.encode_workers = processes_for(report.encoded, workers)
    except EncoderUnavailable as e:
        report.warnings.append(f"passages not encoded: {e}")
    finally:
        report.encode_seconds = time.perf_counter() - start

"""Store a story folder: the story, its voices and speakers, and each article.

The ORM edge of the text pipeline. Reading and checking a file
(`prepare_article`) touches no database; `store_article` writes one article
and all its passages in one transaction, or nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .align.encoder import EncoderUnavailable
from .attribution import attribute_article, roster_for
from .encodings import encode_missing
from .models import Article, Outlet, Passage, Speaker, Story, Voice
from .storyfile import ArticleSpec, StorySpec, load_story
from .text.attribute import Roster
from .text.clean import CleanArticle, TextError, clean_article, decode_bytes
from .text.segment import Segment, segment

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
PASSAGE_KINDS = {"title": Passage.Kind.HEADING, "heading": Passage.Kind.HEADING,
                 "caption": Passage.Kind.CAPTION, "text": Passage.Kind.SENTENCE}


class IngestError(ValueError):
    """An article file that cannot be stored; the message names the problem."""


@dataclass(frozen=True)
class PreparedArticle:
    spec: ArticleSpec
    raw_text: str
    encoding: str
    content_hash: str
    clean: CleanArticle
    segments: tuple[Segment, ...]

    @property
    def outlet(self) -> str:
        return self.spec.outlet or self.clean.outlet or "Unknown"

    @property
    def published(self):
        return self.spec.published or self.clean.published


@dataclass(frozen=True)
class ArticleResult:
    source: str
    outcome: str  # CREATED, UPDATED, UNCHANGED or FAILED
    message: str = ""
    article_id: int | None = None


@dataclass
class IngestReport:
    story: Story
    results: list[ArticleResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> list[ArticleResult]:
        return [r for r in self.results if r.outcome == FAILED]

    def summary(self) -> str:
        parts = [f"{self.count(o)} {o}" for o in (CREATED, UPDATED, UNCHANGED, FAILED) if self.count(o)]
        return ", ".join(parts) or "no articles"


def prepare_article(spec: ArticleSpec, max_bytes: int | None = None) -> PreparedArticle:
    max_bytes = max_bytes or settings.NEWSDIFF_MAX_ARTICLE_BYTES
    try:
        size = spec.path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"file too large: {size:,} bytes (the limit is {max_bytes:,})")
        data = spec.path.read_bytes()
    except OSError as e:
        raise IngestError(f"cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise IngestError("empty file")
    try:
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
    stored = list(article.passages.values_list("start", "end", "paragraph", "kind"))
    return stored == [(s.start, s.end, s.paragraph, PASSAGE_KINDS[s.kind]) for s in segments]


def store_article(story: Story, prepared: PreparedArticle, roster: Roster | None = None) -> ArticleResult:
    """Write one article and its passages atomically; unchanged input writes nothing."""
    source = prepared.spec.source
    duplicate = (
        Article.objects.filter(story=story, content_hash=prepared.content_hash).exclude(source=source).first()
    )
    if duplicate:
        return ArticleResult(source, FAILED, f"same file content as {duplicate.source!r}, already in this story")
    fields = {
        "title": prepared.clean.title,
        "url": prepared.spec.url,
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
            _create_passages(article, prepared.segments, story.default_voice)
            attribute_article(article, roster)
            message = f"{len(prepared.segments)} passages" + _encoding_note(prepared)
            return ArticleResult(source, CREATED, message, article.pk)

        text_changed = article.body != prepared.clean.body or not _same_passages(article, prepared.segments)
        changed = [name for name, value in fields.items() if getattr(article, name) != value]
        if not changed and not text_changed:
            return ArticleResult(source, UNCHANGED, article_id=article.pk)
        for name in changed:
            setattr(article, name, fields[name])
        article.save()
        if text_changed:
            editor_voices = _editor_voices(article)
            article.passages.all().delete()
            _create_passages(article, prepared.segments, story.default_voice, editor_voices)
            attribute_article(article, roster)
        return ArticleResult(source, UPDATED, ", ".join(changed) + _encoding_note(prepared), article.pk)


def _encoding_note(prepared: PreparedArticle) -> str:
    return "" if prepared.encoding == "utf-8" else f" (not UTF-8: read as {prepared.encoding})"


def _editor_voices(article: Article) -> dict[str, tuple[int, int | None]]:
    """Voices editors set on this article's passages, by passage text, to carry over a re-ingest."""
    return {
        text: (voice_id, speaker_id)
        for text, voice_id, speaker_id in article.passages.filter(
            voice_decided_by=Passage.DecidedBy.EDITOR
        ).values_list("text", "voice_id", "speaker_id")
    }


def _create_passages(article, segments, default_voice, editor_voices=None) -> None:
    editor_voices = editor_voices or {}
    passages = []
    for position, s in enumerate(segments):
        passage = Passage(
            article=article, position=position, paragraph=s.paragraph, start=s.start, end=s.end,
            text=s.text, kind=PASSAGE_KINDS[s.kind], voice=default_voice,
        )
        if s.text in editor_voices:
            passage.voice_id, passage.speaker_id = editor_voices[s.text]
            passage.voice_decided_by = Passage.DecidedBy.EDITOR
        passages.append(passage)
    Passage.objects.bulk_create(passages)


def ingest_story(path: Path | str, *, max_bytes: int | None = None) -> IngestReport:
    """Ingest a story folder. Raises StoryFileError (nothing stored) for a bad story.toml;
    a bad article file is reported as FAILED and the others are still stored."""
    spec = load_story(path)
    prepared: list[PreparedArticle | ArticleResult] = []
    for article_spec in spec.articles:
        try:
            prepared.append(prepare_article(article_spec, max_bytes))
        except IngestError as e:
            prepared.append(ArticleResult(article_spec.source, FAILED, str(e)))
    story, warnings = sync_story(spec)
    report = IngestReport(story=story, warnings=warnings)
    roster = roster_for(story)  # story-wide: built once, not per article
    for item in prepared:
        report.results.append(item if isinstance(item, ArticleResult) else store_article(story, item, roster))
    _encode_new_passages(report)
    return report


def _encode_new_passages(report: IngestReport) -> None:
    """Encode the passages of created or updated articles, in one batch; stored texts are skipped.

    A missing encoder is a warning, not a failure: the articles are stored, and
    alignment encodes whatever is still missing.
    """
    changed = [r.article_id for r in report.results if r.outcome in (CREATED, UPDATED)]
    if not changed:
        return
    try:
        encode_missing(Passage.objects.filter(article_id__in=changed).values_list("text", flat=True))
    except EncoderUnavailable as e:
        report.warnings.append(f"passages not encoded: {e}")

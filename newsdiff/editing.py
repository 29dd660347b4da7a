"""Editors' decisions, and their provenance, in one place: the admin, the in-place controls and the demo fixture call here.

A decision is any change an editor makes to what the jobs produced: a pair's
status, relation or note; a passage's voice, speaker or exchange; a speaker's
voice, name or aliases; an exchange's title, position or "other" flag, a merge
of exchanges, a move of passages. Each function here

- checks the change first and raises `DecisionError` (a `ValueError`) with a
  clear message, changing nothing, when it does not fit the story;
- sets the record the alignment job, attribution and ingest honour
  (`AlignedPair.tagged_at`, `Exchange.edited_at`, `Passage.voice_decided_by`,
  `Passage.exchange_decided_by`, `Speaker.origin`);
- stamps who (a username, so a dump of the newsdiff tables keeps it) and when
  (one instant per call, also written to `updated_at` where a row has one,
  because `bulk_update` and `QuerySet.update` never apply `auto_now`);
- writes one admin log entry per changed object saying what changed, when the
  editor is a user account (the admin's History page shows it). The admin's
  own logging of its form saves is switched off (`admin.DecisionAdmin`) so a
  decision is logged once.

`who` is a user (a request's) or, for decisions shipped in a file (the demo's
tags), an editor's name: then nothing is logged, there being no account.
"""
from __future__ import annotations

from collections import defaultdict

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import transaction
from django.utils import timezone

from .models import AlignedPair, Exchange, Passage, Speaker

PAIR_TAG_FIELDS = ("status", "relation", "note")
PASSAGE_FIELDS = ("voice", "speaker", "exchange")
EXCHANGE_FIELDS = ("title", "position", "is_other")
SPEAKER_FIELDS = ("name", "voice", "aliases")


class DecisionError(ValueError):
    """A decision that does not fit: nothing was changed."""


def _now():
    """Now, to the millisecond: the precision a JSON dump keeps, so a dump and load changes nothing."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _name(who) -> str:
    return who if isinstance(who, str) else who.get_username()


def record(who, objects, message: str, action=CHANGE) -> None:
    """One admin log entry per object (a fixed number of queries however many objects).

    Only a user account has a log: a name from a file (`who` a str) is recorded on the rows alone.
    """
    objects = list(objects)
    if objects and not isinstance(who, str) and who is not None and who.is_authenticated:
        LogEntry.objects.log_actions(who.pk, objects, action, change_message=message)


def _record_each(who, messages: dict) -> None:
    """Log `messages` ({object: message}), one query per distinct message rather than per object."""
    by_message = defaultdict(list)
    for obj, message in messages.items():
        by_message[message].append(obj)
    for message, objects in by_message.items():
        record(who, objects, message)


def _check_fields(kind: str, changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DecisionError(f"{kind} decision sets only {', '.join(allowed)}, not {', '.join(sorted(unknown))}")


def _check_title(changes: dict) -> None:
    if "title" in changes and not str(changes["title"]).strip():
        raise DecisionError("an exchange needs a title")


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _diffs(obj, changes: dict) -> list[str]:
    """'name: old → new' for each change that changes something (a key compared by id, shown by name)."""
    diffs = []
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            old_id, new_id = getattr(obj, field.attname), (value.pk if value is not None else None)
            if old_id != new_id:
                diffs.append(f"{name}: {_shown(getattr(obj, name))} → {_shown(value)}")
        elif getattr(obj, name) != value:
            diffs.append(f"{name}: {_shown(getattr(obj, name))} → {_shown(value)}")
    return diffs


# Pairs -----------------------------------------------------------------------------------------


def tag_pairs(pairs, who, *, at=None, **changes) -> int:
    """Set status, relation and/or note on `pairs` (AlignedPairs); returns how many changed.

    Pairs the change leaves as they were are not stamped. `at` pins the time (the demo fixture's).
    """
    _check_fields("a pair", changes, PAIR_TAG_FIELDS)
    when = at or _now()
    changed, messages = [], {}
    for pair in pairs:
        diffs = _diffs(pair, changes)
        if not diffs:
            continue
        for name, value in changes.items():
            setattr(pair, name, value)
        pair.tagged_by, pair.tagged_at, pair.updated_at = _name(who), when, when
        changed.append(pair)
        messages[pair] = "; ".join(diffs)
    with transaction.atomic():
        _save_pair_decisions(changed, [*changes, "tagged_by", "tagged_at", "updated_at"])
        _record_each(who, messages)
    return len(changed)


def _save_pair_decisions(pairs: list, fields: list[str]) -> None:
    """Write editors' decisions on `pairs`, never losing one to an alignment run writing at the same time.

    A run replaces a re-proposed pair's row (deleted and inserted again under its id: how PostgreSQL takes
    a re-run fastest) and deletes one no longer proposed. An UPDATE that waited for such a run's lock finds
    the old row gone and updates nothing; so when the bulk UPDATE matched fewer rows than pairs, each is
    written again in its own statement, which sees the replaced row. A pair the run deleted raises
    DecisionError, and the caller's transaction saves nothing of the decision.
    """
    if not pairs or AlignedPair.objects.bulk_update(pairs, fields, batch_size=500) == len(pairs):
        return
    for pair in pairs:
        if not AlignedPair.objects.filter(pk=pair.pk).update(**{name: getattr(pair, name) for name in fields}):
            raise DecisionError(f"pair {pair.pk} was removed by an alignment run while you decided; "
                                f"nothing was saved: reload the page and decide again")


def untag_pairs(pairs, who) -> int:
    """Undo editors' decisions on `pairs`: each is proposed again and, unless it carries a note, the
    alignment job's again. Returns how many changed.

    `tag_pairs(status="proposed")` would stamp the pair as an editor's (re-runs would then keep it, and its
    relation, even once no run proposes it); an undo instead clears `tagged_by`/`tagged_at`, so the next
    run re-scores, relabels or removes it like any proposal. A pair with a note stays the editor's
    (stamped now): a note is a decision the undo does not take back. Who undid what, and when, is in the
    admin log ("status: confirmed → proposed; decision undone, back to the alignment job"); `updated_at` is stamped.
    """
    when = _now()
    changed, messages = [], {}
    for pair in pairs:
        if pair.status == AlignedPair.Status.PROPOSED and (pair.note or not pair.tagged_by_editor):
            continue
        undone = "" if pair.status == AlignedPair.Status.PROPOSED else f"status: {pair.status} → proposed; "
        messages[pair] = undone + ("decision undone, kept for its note" if pair.note
                                   else "decision undone, back to the alignment job")
        pair.status, pair.updated_at = AlignedPair.Status.PROPOSED, when
        pair.tagged_by, pair.tagged_at = (_name(who), when) if pair.note else ("", None)
        changed.append(pair)
    with transaction.atomic():
        _save_pair_decisions(changed, ["status", "tagged_by", "tagged_at", "updated_at"])
        _record_each(who, messages)
    return len(changed)


# Passages --------------------------------------------------------------------------------------


def _check_in_story(passages, changes: dict) -> None:
    for name in ("voice", "speaker", "exchange"):
        value = changes.get(name)
        if value is not None and any(p.article.story_id != value.story_id for p in passages):
            raise DecisionError(f"a passage's {name} must be one of its own story's, not “{value}” of another story")


def set_passages(passages, who, **changes) -> int:
    """Set voice, speaker and/or exchange on `passages`; returns how many changed.

    A voice or speaker makes the passage's voice the editor's (attribution leaves it alone);
    an exchange pins it there (re-runs of the grouping leave it alone).
    """
    _check_fields("a passage", changes, PASSAGE_FIELDS)
    passages = list(passages)
    _check_in_story(passages, changes)
    when, name = _now(), _name(who)
    changed, messages, fields = [], {}, set(changes)
    for passage in passages:
        diffs = _diffs(passage, changes)
        if not diffs:
            continue
        for field, value in changes.items():
            setattr(passage, field, value)
        if {"voice", "speaker"} & set(changes):
            passage.voice_decided_by = Passage.DecidedBy.EDITOR
            passage.voice_edited_by, passage.voice_edited_at = name, when
            fields |= {"voice_decided_by", "voice_edited_by", "voice_edited_at"}
        if "exchange" in changes:
            passage.exchange_decided_by = Passage.DecidedBy.EDITOR
            passage.exchange_edited_by, passage.exchange_edited_at = name, when
            fields |= {"exchange_decided_by", "exchange_edited_by", "exchange_edited_at"}
        changed.append(passage)
        messages[passage] = "; ".join(diffs)
    with transaction.atomic():
        Passage.objects.bulk_update(changed, sorted(fields))
        _record_each(who, messages)
    return len(changed)


def move_passages(passages, exchange: Exchange, who) -> int:
    """Put `passages` in `exchange` for good: re-runs leave an editor's move alone. Returns how many moved.

    A passage already there by the grouping's choice is pinned there too (and counts as moved).
    """
    passages = list(passages)
    if any(p.article.story_id != exchange.story_id for p in passages):
        raise DecisionError("passages move only between exchanges of their own story")
    moved = [p for p in passages
             if p.exchange_id != exchange.pk or p.exchange_decided_by != Passage.DecidedBy.EDITOR]
    when, name = _now(), _name(who)
    for passage in moved:
        passage.exchange = exchange
        passage.exchange_decided_by = Passage.DecidedBy.EDITOR
        passage.exchange_edited_by, passage.exchange_edited_at = name, when
    with transaction.atomic():
        Passage.objects.bulk_update(moved, ["exchange", "exchange_decided_by", "exchange_edited_by",
                                            "exchange_edited_at"])
        record(who, moved, f"moved to exchange “{exchange.title}” (#{exchange.pk})")
    return len(moved)


# Exchanges -------------------------------------------------------------------------------------


def edit_exchange(exchange: Exchange, who, **changes) -> bool:
    """Rename, reorder (position) or flag an exchange; True when something changed.

    An edited exchange keeps its identity through re-runs of the grouping.
    """
    _check_fields("an exchange", changes, EXCHANGE_FIELDS)
    _check_title(changes)
    diffs = _diffs(exchange, changes)
    if not diffs:
        return False
    for name, value in changes.items():
        setattr(exchange, name, value)
    exchange.edited_by, exchange.edited_at = _name(who), _now()
    with transaction.atomic():
        exchange.save(update_fields=[*changes, "edited_by", "edited_at"])
        record(who, [exchange], "; ".join(diffs))
    return True


def add_exchange(exchange: Exchange, who) -> Exchange:
    """Store a new exchange an editor made (an empty row to move passages into)."""
    check_new(exchange)
    exchange.edited_by, exchange.edited_at = _name(who), _now()
    with transaction.atomic():
        exchange.save()
        record(who, [exchange], "added", action=ADDITION)
    return exchange


def merge_exchanges(exchanges, who) -> Exchange:
    """Merge `exchanges` (two or more, one story) into the first by position; the others are deleted."""
    exchanges = sorted(exchanges, key=lambda e: (e.position, e.pk))
    if len(exchanges) < 2:
        raise DecisionError("choose at least two exchanges to merge")
    if len({e.story_id for e in exchanges}) > 1:
        raise DecisionError("exchanges merge only within one story")
    keep, gone = exchanges[0], exchanges[1:]
    with transaction.atomic():
        Passage.objects.filter(exchange__in=gone).update(exchange=keep)
        record(who, gone, f"merged into “{keep.title}” (#{keep.pk})", action=DELETION)
        Exchange.objects.filter(pk__in=[e.pk for e in gone]).delete()
        keep.edited_by, keep.edited_at = _name(who), _now()
        keep.is_other = keep.is_other and all(e.is_other for e in gone)
        keep.save(update_fields=["edited_by", "edited_at", "is_other"])
        record(who, [keep], "absorbed " + ", ".join(f"“{e.title}” (#{e.pk})" for e in gone))
    return keep


# Speakers --------------------------------------------------------------------------------------


def _check_speaker(speaker: Speaker, changes: dict) -> None:
    voice = changes.get("voice")
    if voice is not None and voice.story_id != speaker.story_id:
        raise DecisionError(f"a speaker's voice must be one of its own story's, not “{voice}” of another story")
    name = changes.get("name")
    if name is not None:
        if not str(name).strip():
            raise DecisionError("a speaker needs a name")
        if Speaker.objects.filter(story=speaker.story_id, name=name).exclude(pk=speaker.pk).exists():
            raise DecisionError(f"this story already has a speaker named “{name}”")


def set_speaker(speaker: Speaker, who, **changes) -> bool:
    """Set a speaker's voice, name and/or aliases; True when something changed.

    The speaker becomes the editor's (origin "editor"): ingest no longer rewrites it from the
    story file, and the next attribution run uses the editor's mapping.
    """
    _check_fields("a speaker", changes, SPEAKER_FIELDS)
    _check_speaker(speaker, changes)
    diffs = _diffs(speaker, changes)
    if not diffs:
        return False
    for name, value in changes.items():
        setattr(speaker, name, value)
    speaker.origin = Speaker.Origin.EDITOR
    speaker.edited_by, speaker.edited_at = _name(who), _now()
    with transaction.atomic():
        speaker.save(update_fields=[*changes, "origin", "edited_by", "edited_at"])
        record(who, [speaker], "; ".join(diffs))
    return True


def add_speaker(speaker: Speaker, who) -> Speaker:
    """Store a speaker an editor added (origin "editor")."""
    check_new(speaker)
    speaker.origin = Speaker.Origin.EDITOR
    speaker.edited_by, speaker.edited_at = _name(who), _now()
    with transaction.atomic():
        speaker.save()
        record(who, [speaker], "added", action=ADDITION)
    return speaker


# One row, whatever its model (the admin's forms) --------------------------------------------------

_EDIT = {
    AlignedPair: lambda pair, who, **changes: tag_pairs([pair], who, **changes) > 0,
    Passage: lambda passage, who, **changes: set_passages([passage], who, **changes) > 0,
    Exchange: edit_exchange,
    Speaker: set_speaker,
}
_ADD = {Exchange: add_exchange, Speaker: add_speaker}
_CHECK = {
    AlignedPair: lambda pair, **changes: _check_fields("a pair", changes, PAIR_TAG_FIELDS),
    Passage: lambda passage, **changes: (_check_fields("a passage", changes, PASSAGE_FIELDS),
                                         _check_in_story([passage], changes)),
    Exchange: lambda exchange, **changes: (_check_fields("an exchange", changes, EXCHANGE_FIELDS),
                                           _check_title(changes)),
    Speaker: lambda speaker, **changes: (_check_fields("a speaker", changes, SPEAKER_FIELDS),
                                         _check_speaker(speaker, changes)),
}


_CHECK_NEW = {
    Exchange: lambda exchange: _check_title({"title": exchange.title}),
    Speaker: lambda speaker: _check_speaker(speaker, {"voice": speaker.voice, "name": speaker.name}),
}


def check_new(obj) -> None:
    """Raise `DecisionError` when `add(obj, ...)` would refuse the new row; store nothing."""
    if type(obj) not in _CHECK_NEW:
        raise DecisionError(f"editors do not add a {type(obj).__name__}")
    _CHECK_NEW[type(obj)](obj)


def check(obj, **changes) -> None:
    """Raise `DecisionError` when `edit(obj, ..., **changes)` would refuse the change; store nothing."""
    if type(obj) not in _CHECK:
        raise DecisionError(f"{type(obj).__name__} is not an editor's decision")
    _CHECK[type(obj)](obj, **changes)


def edit(obj, who, **changes) -> bool:
    """Apply `changes` to `obj` (as stored: the values before the change) with the decision function of its model."""
    if type(obj) not in _EDIT:
        raise DecisionError(f"{type(obj).__name__} is not an editor's decision")
    return _EDIT[type(obj)](obj, who, **changes)


def add(obj, who):
    """Store a new row an editor made, with the add function of its model."""
    if type(obj) not in _ADD:
        raise DecisionError(f"editors do not add a {type(obj).__name__}")
    return _ADD[type(obj)](obj, who)


# Stories and articles an editor adds in the admin ----------------------------------------------
#
# The same checks, storage and messages as `manage.py ingest` and `add_article`: a story is
# checked as a story.toml is (`storyfile.parse_story`) and stored by `ingest.sync_story`; each
# article (an upload, pasted text, a URL) is stored whole or not at all by `ingest.add_article`.


def parse_voices(text: str) -> list[dict]:
    """Voices as an editor writes them, one a line: "White House: Joe Biden, Jake Sullivan".
    The slug is made from the name; a line without ":" is a voice without speakers."""
    from django.utils.text import slugify

    voices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, speakers = line.partition(":")
        voices.append({"slug": slugify(name).replace("-", "_") or name.strip(), "name": name.strip(),
                       "speakers": [s.strip() for s in speakers.split(",") if s.strip()]})
    return voices


def create_story(who, *, slug: str, title: str, date=None, voices: str = "", default_voice: str = "Press"):
    """Create a story with its voices and their speakers, as a story.toml would; the default
    voice (everything attribution gives to no one) is `default_voice`. DecisionError (nothing
    stored) when a value does not fit, or the slug is taken."""
    from pathlib import Path

    from django.utils.text import slugify

    from .ingest import sync_story
    from .models import Story
    from .storyfile import StoryFileError, parse_story

    default = {"slug": slugify(default_voice).replace("-", "_") or "press", "name": default_voice.strip(),
               "default": True}
    data = {"slug": slug, "title": title, "voices": [*parse_voices(voices), default]}
    if date:
        data["date"] = date
    try:
        spec = parse_story(data, Path("the new story"), folder_articles=False)
    except StoryFileError as e:
        raise DecisionError(str(e).removeprefix("the new story: ")) from None
    if Story.objects.filter(slug=spec.slug).exists():
        raise DecisionError(f"slug {spec.slug!r} is already a story's: choose another")
    with transaction.atomic():
        story, _ = sync_story(spec)
        record(who, [story], f"created with voices {', '.join(v.name for v in spec.voices)}", ADDITION)
    return story


def add_articles(story, who, *, files=(), pasted: str = "", pasted_name: str = "", url: str = "",
                 outlet: str = "", max_bytes: int | None = None, align: bool = True):
    """Add articles to `story`: uploaded files (objects with .name, .size and .read(), as Django's
    uploads), a pasted text, a page's URL; each stored as `ingest` stores a folder's file. Returns
    (results, warnings, job): one `ingest.ArticleResult` per article given (FAILED with the
    reason when it could not be stored), the warnings, and the alignment job started (or the
    active one that will see them) when any article was created or updated, else None. With
    `align` false no job is started (a web request that may not run one inline)."""
    import hashlib
    from pathlib import Path

    from django.conf import settings

    from . import ingest
    from .fetch import FetchError, fetch_page, source_name
    from .jobs import request_alignment
    from .models import Article
    from .storyfile import StoryFileError

    max_bytes = max_bytes or settings.NEWSDIFF_MAX_ARTICLE_BYTES
    outlet = outlet.strip() or None
    results, warnings = [], []

    def add(source, data_or_reason, **extra):
        if not isinstance(data_or_reason, bytes):
            results.append(ingest.ArticleResult(source, ingest.FAILED, data_or_reason))
            return
        try:
            report = ingest.add_article(story, source, data_or_reason, outlet=outlet, max_bytes=max_bytes, **extra)
        except StoryFileError as e:
            results.append(ingest.ArticleResult(source, ingest.FAILED, str(e)))
            return
        results.extend(report.results)
        warnings.extend(report.warnings)

    for upload in files:
        name = Path(upload.name or "").name
        if upload.size > max_bytes:
            add(name, f"file too large: {upload.size:,} bytes (the limit is {max_bytes:,})")
        else:
            add(name, upload.read())
    if pasted.strip():
        data = pasted.encode("utf-8")
        add(pasted_name.strip() or f"pasted-{hashlib.sha256(data).hexdigest()[:12]}.txt", data)
    if url.strip():
        try:
            page = fetch_page(url.strip(), timeout=settings.NEWSDIFF_FETCH_TIMEOUT, max_bytes=max_bytes,
                              allow_private=settings.NEWSDIFF_FETCH_PRIVATE)
        except FetchError as e:
            add(url.strip(), f"nothing stored: {e}")
        else:
            add(source_name(url.strip()), page.data, url=url.strip(), charset=page.charset)

    stored = [r for r in results if r.outcome in (ingest.CREATED, ingest.UPDATED)]
    record(who, Article.objects.filter(pk__in=[r.article_id for r in stored]),
           "added by an editor", ADDITION)
    job = request_alignment(story)[0] if stored and align else None
    return results, warnings, job

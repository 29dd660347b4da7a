"""Editors' decisions, and their provenance, in one place: the admin and the in-place controls both call here.

Every decision sets the record the alignment job and attribution honour
(`AlignedPair.tagged_at`, `Exchange.edited_at`, `Passage.voice_decided_by`,
`Passage.exchange_decided_by`), stamps who and when on the row (by username,
so a dump of the newsdiff tables keeps it), and writes one admin log entry per
changed object saying what changed: the admin's History page shows it and
`LogEntry.objects.filter(...)` queries it. The admin's own change forms and
list edits are logged by Django itself; their saves come through `stamp_*`.
"""
from __future__ import annotations

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.db import transaction
from django.utils import timezone

from .models import AlignedPair, Exchange, Passage

PAIR_TAG_FIELDS = ("status", "relation", "note")


def _now():
    """Now, to the millisecond: the precision a JSON dump keeps, so a dump and load changes nothing."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def record(user, objects, message: str, action=CHANGE) -> None:
    """One admin log entry per object (a fixed number of queries however many objects)."""
    objects = list(objects)
    if objects and user is not None and user.is_authenticated:
        LogEntry.objects.log_actions(user.pk, objects, action, change_message=message)


def stamp_pair(pair: AlignedPair, user) -> None:
    pair.tagged_by = user.get_username()
    pair.tagged_at = _now()


def tag_pairs(pairs, user, **changes) -> int:
    """Set status, relation and/or note on `pairs` (an iterable of AlignedPair); returns how many changed."""
    unknown = set(changes) - set(PAIR_TAG_FIELDS)
    if unknown:
        raise ValueError(f"a pair tag sets only {', '.join(PAIR_TAG_FIELDS)}, not {', '.join(sorted(unknown))}")
    changed, messages = [], {}
    for pair in pairs:
        diffs = [f"{name}: {getattr(pair, name) or '—'} → {value or '—'}"
                 for name, value in changes.items() if getattr(pair, name) != value]
        if not diffs:
            continue
        for name, value in changes.items():
            setattr(pair, name, value)
        stamp_pair(pair, user)
        changed.append(pair)
        messages[pair.pk] = "; ".join(diffs)
    with transaction.atomic():
        AlignedPair.objects.bulk_update(changed, [*changes, "tagged_by", "tagged_at", "updated_at"])
        for message in set(messages.values()):
            record(user, [p for p in changed if messages[p.pk] == message], message)
    return len(changed)


def stamp_passage_voice(passage: Passage, user) -> None:
    passage.voice_decided_by = Passage.DecidedBy.EDITOR
    passage.voice_edited_by = user.get_username()
    passage.voice_edited_at = _now()


def stamp_exchange(exchange: Exchange, user) -> None:
    exchange.edited_by = user.get_username()
    exchange.edited_at = _now()


def move_passages(passages, exchange: Exchange, user) -> int:
    """Put `passages` in `exchange` for good: re-runs leave an editor's move alone."""
    moved = [p for p in passages if p.exchange_id != exchange.pk or p.exchange_decided_by != Passage.DecidedBy.EDITOR]
    if any(p.article.story_id != exchange.story_id for p in moved):
        raise ValueError("passages move only between exchanges of their own story")
    with transaction.atomic():
        Passage.objects.filter(pk__in=[p.pk for p in moved]).update(
            exchange=exchange, exchange_decided_by=Passage.DecidedBy.EDITOR)
        record(user, moved, f"moved to exchange “{exchange.title}” (#{exchange.pk})")
    return len(moved)


def merge_exchanges(exchanges, user) -> Exchange:
    """Merge `exchanges` (two or more, one story) into the first by position; the others are deleted."""
    exchanges = sorted(exchanges, key=lambda e: (e.position, e.pk))
    if len(exchanges) < 2:
        raise ValueError("choose at least two exchanges to merge")
    if len({e.story_id for e in exchanges}) > 1:
        raise ValueError("exchanges merge only within one story")
    keep, gone = exchanges[0], exchanges[1:]
    with transaction.atomic():
        Passage.objects.filter(exchange__in=gone).update(exchange=keep)
        record(user, gone, f"merged into “{keep.title}” (#{keep.pk})", action=DELETION)
        Exchange.objects.filter(pk__in=[e.pk for e in gone]).delete()
        stamp_exchange(keep, user)
        keep.is_other = keep.is_other and all(e.is_other for e in gone)
        keep.save(update_fields=["edited_by", "edited_at", "is_other"])
        record(user, [keep], "absorbed " + ", ".join(f"“{e.title}” (#{e.pk})" for e in gone))
    return keep

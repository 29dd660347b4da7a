"""What the pages compute from a whole story, remembered per process until the story changes.

The story page, coverage and the filtered exports place every passage by its claim (`grid`), and
claims come from all of the story's pairs: at 1,000 articles (300,000 pairs) reading and grouping
them takes seconds, too long for every request. `remembered(story, what, build)` keeps `build()`'s
result in this process, keyed by `story_state(story)`: a few cheap aggregates (index reads and one
pass over the story's passages, ~25 ms at 41,000 passages on SQLite) that change whenever what the
pages read changes:

- an alignment run (the story's latest job: id, status, end), which is what writes pairs in bulk;
- an editor's decision anywhere (the admin log's last entry: every decision goes through
  `editing`, which logs it), which is what changes a pair's status or moves a passage;
- the story's last pair (a pair added outside a job) and its passages (count, last id, their voices,
  exchanges, offsets and retirements, as sums: ingest and attribution, and the pairs a deleted
  passage takes with it);
- the story's own row (id and creation time: a new story that reuses an id is another story).

A write that changes none of these (a pair's score or status set, or a pair deleted, outside a job
and outside `editing`) is not seen until one of them changes. (Counting the pairs would see a
deletion too, but costs 30 ms a request at 300,000 pairs.) Each process keeps at most `MAX_ENTRIES`
results (least recently used go first); nothing here is shared between processes.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.contrib.admin.models import LogEntry
from django.db.models import Count, F, Max, Sum

from .models import AlignedPair, Passage, Story

MAX_ENTRIES = 12  # a few stories, each under a few filters (~20 MB a filtered view at 1,000 articles)
T = TypeVar("T")

_entries: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def story_state(story: Story) -> tuple:
    """A value that changes whenever the story's passages, pairs or decisions do (4 queries, ~25 ms at
    41,000 passages on SQLite)."""
    job = story.jobs.values_list("pk", "status", "finished_at").first()
    last_decision = LogEntry.objects.aggregate(last=Max("pk"))["last"]
    last_pair = AlignedPair.objects.filter(story=story).aggregate(last=Max("pk"))["last"]  # an index read
    passages = Passage.objects.filter(article__story=story).aggregate(
        n=Count("pk"), last=Max("pk"), retired=Count("retired_at"), ends=Sum("end"),
        voices=Sum(F("pk") * F("voice_id")), exchanges=Sum(F("pk") * F("exchange_id")))
    return (story.pk, story.created_at, job, last_decision, last_pair, tuple(passages.values()))


def remembered(state: tuple, what: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s result for `what` in the story whose `story_state` is `state`, built once per state."""
    key = (state, what)
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[return-value]
    value = build()
    with _lock:
        _entries[key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def forget_all() -> None:
    """Drop every remembered result (tests; a deployment never needs it)."""
    with _lock:
        _entries.clear()

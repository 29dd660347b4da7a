"""The alignment job: the ORM edge of `align/`.

`start_alignment(story)` records a queued `AlignmentJob` (the database refuses
a second active job for the story) and hands it to the tasks framework;
`run_alignment(job_id)` does the work wherever the task runs.
`request_alignment(story)` is what a change to the story asks for: a run now,
or, when one is active, a run after it (the active job's `rerun_requested`).

Jobs that die are recovered: a running job writes `heartbeat_at` at each phase
and progress step, and records its `worker` (host:pid). `reap_stale_jobs` marks
failed a running job silent for longer than `NEWSDIFF_JOB_HEARTBEAT_LIMIT`
seconds, or whose process on this host is gone; `start_alignment` calls it
first, so the next `align` after a kill runs, and `manage.py reap_jobs` does it
from cron. Any exception in a run, even a KeyboardInterrupt or SystemExit,
marks the job failed before it propagates.

A run reads the story's passages, scores pairs and groups exchanges (pure
code in `align/`), then writes everything in one transaction (batched
statements keep it short: it holds SQLite's write lock for seconds, not
minutes): if anything fails or the process dies, the previous pairs and
exchanges stay exactly as they were and the job records the error. Editors' decisions survive every run:

- a pair an editor tagged (`tagged_at` set: confirmed, rejected, relabelled or
  annotated; or with a status other than proposed, or a note) keeps its status,
  relation, note and tagger; if the run no longer proposes it, it is kept and
  flagged `stale`. A proposed pair the run no longer finds is removed; one it
  scores differently is replaced under the same id (see `_write_pairs`);
- an exchange keeps its identity when a new group mostly holds its passages;
  an exchange an editor renamed, merged or reordered keeps its title and
  position, and absorbs every new group that mostly sits in it (a merge stays
  merged); a passage an editor moved stays where it was put.
"""
from __future__ import annotations

import json
import math
import os
import socket
import threading
import time
import traceback
from collections import Counter, defaultdict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice, repeat

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
import numpy as np
from threadpoolctl import threadpool_limits

from . import encodings
from .align import encoder
from .align.group import OTHER_TITLE, GroupOptions, fit_joiner, group_exchanges
from .align.index import StoryIndex, build_index, options_key, score_new
from .align.score import (FEATURES, Item, Options, PairTable, base_scores, heading_table, item_terms, pair_table,
                          prepare, relations_of, states_a_claim, tfidf_matrix)
from .align.semantic import FRAME_PASSAGES, SemanticSpace, extend_space, space_frame, with_rows
from .models import AlignedPair, AlignmentIndex, AlignmentJob, Exchange, Passage, Story
from .text import cues

METHOD = "lexical+semantic-1"
# Attribution rules (text.attribute) that mark a passage as outsiders' commentary.
COMMENTARY_RULES = {"cue:analyst", "cue:former", "cue:third-party", "cue:unlisted-person"}


# Rows per statement in the write phase: short statements keep each lock and each query plan small.
WRITE_BATCH = 500


# A job running in a live process of this host is taken for dead only after this many heartbeat limits.
LOCAL_SILENCE_FACTOR = 10


class JobAlreadyActive(RuntimeError):
    pass


def story_options(story: Story, threshold: float | None = None) -> Options:
    """Scoring options for a story: its aliases and the words naming its actors come from its data."""
    actors = list(cues.PERSON_ROLES) + ["national security", "presidential", "press"]
    for voice in story.voices.all():
        if not voice.is_default:
            actors += [voice.name, *voice.institutions]
    actors += [s.name for s in story.speakers.all()]
    aliases = tuple(tuple(group) for group in story.options.get("aliases", []))
    options = Options(aliases=aliases, actor_words=tuple(actors))
    return options if threshold is None else replace(options, threshold=threshold)


def start_alignment(story: Story, *, threshold: float | None = None, enqueue: bool = True,
                    full: bool = False) -> AlignmentJob:
    """Record a queued job for `story` and, if `enqueue`, hand it to the tasks backend (which may run it now).

    A dead job of the story (see `reap_stale_jobs`) is marked failed first; a live active one makes this
    raise JobAlreadyActive and record nothing.
    """
    reap_stale_jobs(story)
    parameters = {"method": METHOD, "threshold": story_options(story, threshold).threshold}
    if full:
        parameters["full"] = True
    try:
        with transaction.atomic():
            job = AlignmentJob.objects.create(story=story, parameters=parameters)
    except IntegrityError:
        active = story.jobs.filter(status__in=AlignmentJob.ACTIVE).first()
        raise JobAlreadyActive(
            f"an alignment of {story.slug!r} is already {active.status if active else 'active'}"
            f"{f' (job {active.pk})' if active else ''}; wait for it to finish"
        ) from None
    if enqueue:
        from .tasks import align_story

        result = align_story.enqueue(job.pk)
        AlignmentJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.refresh_from_db()
    return job


def request_alignment(story: Story) -> tuple[AlignmentJob, bool]:
    """Make sure an alignment sees the story as it is now: start one, or have the active one followed by one.

    Returns (job, after): `after` is False when `job` was started now (and may have run already, with an
    inline backend); True when `job` is the active job: a queued one will read the story when it starts,
    and a running one is flagged `rerun_requested` and enqueues a fresh run when it ends.
    """
    while True:
        try:
            return start_alignment(story), False
        except JobAlreadyActive:
            pass
        # The flag is set only while the job still runs: a job ending now reads it under the same lock
        # (see _finish), so either it sees the flag or this update matches nothing and we start one.
        with transaction.atomic():
            if AlignmentJob.objects.filter(story=story, status=AlignmentJob.Status.RUNNING).update(
                rerun_requested=True
            ):
                return story.jobs.get(status=AlignmentJob.Status.RUNNING), True
            queued = story.jobs.filter(status=AlignmentJob.Status.QUEUED).first()
            if queued is not None:
                return queued, True


def reap_stale_jobs(story: Story | None = None, *, limit: float | None = None) -> list[AlignmentJob]:
    """Mark failed the active jobs (of `story`, or all) that are dead; return them.

    Dead: running in a process of this host that no longer exists; running elsewhere with no heartbeat
    for more than `limit` seconds (NEWSDIFF_JOB_HEARTBEAT_LIMIT), or in a live process of this host for
    more than LOCAL_SILENCE_FACTOR times that (a hang); or queued for longer than `limit` without
    ever having been handed to a tasks backend (its process died before it started). A job queued on a
    backend waits for a worker however long that takes. Their pairs and exchanges are not touched: a job's
    writes commit all at once or not at all.
    """
    limit = settings.NEWSDIFF_JOB_HEARTBEAT_LIMIT if limit is None else limit
    now = timezone.now()
    active = AlignmentJob.objects.filter(status__in=AlignmentJob.ACTIVE).select_related("story")
    if story is not None:
        active = active.filter(story=story)
    reaped = []
    for job in active:
        reason = _death(job, now, limit)
        # Conditional on the row as read: a job that beat or finished meanwhile is alive.
        if reason and AlignmentJob.objects.filter(
            pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
        ).update(status=AlignmentJob.Status.FAILED, error=reason, finished_at=now):
            job.status, job.error, job.finished_at = AlignmentJob.Status.FAILED, reason, now
            reaped.append(job)
    return reaped


def _death(job: AlignmentJob, now, limit: float) -> str:
    """Why `job` is taken for dead, or "" while it may be alive."""
    if job.status == AlignmentJob.Status.QUEUED:
        waited = (now - job.created_at).total_seconds()
        if not job.task_id and waited > limit:
            return f"never started: queued {waited:.0f} s ago and never handed to a worker (its process died)"
        return ""
    last = job.heartbeat_at or job.started_at or job.created_at
    silent = (now - last).total_seconds()
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        # Its process is here to ask: gone is dead at once; alive may be in a long phase without a beat
        # (grouping a big story), so only a silence far past the limit (a hang, a reused pid) counts.
        if not _process_exists(int(pid)):
            return f"its worker died: process {job.worker} is gone"
        limit *= LOCAL_SILENCE_FACTOR
    if silent > limit:
        return f"its worker died: no heartbeat for {silent:.0f} s (the limit is {limit:.0f} s)"
    return ""


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _beat(job_id: int, **fields) -> None:
    AlignmentJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now(), **fields)


def run_alignment(job_id: int, progress=None) -> AlignmentJob:
    """Run a queued job here and return it finished (or as found, if another worker claimed it).

    When an ingest asked for a re-run while this one ran, a new job is enqueued at the end (and run at
    once by an inline backend); it is returned as `job.follow_up` (None otherwise).
    """
    # Claim the job atomically: another worker may have got there first.
    now = timezone.now()
    claimed = AlignmentJob.objects.filter(pk=job_id, status=AlignmentJob.Status.QUEUED).update(
        status=AlignmentJob.Status.RUNNING, started_at=now, heartbeat_at=now,
        worker=f"{socket.gethostname()}:{os.getpid()}"[:200],
    )
    job = AlignmentJob.objects.select_related("story").get(pk=job_id)
    job.follow_up = None
    if not claimed:
        return job
    timings: dict[str, float] = {}
    try:
        _run(job, timings, progress)
    except BaseException as e:  # even a shutdown: the job records it; the write phase rolled back
        job.status = AlignmentJob.Status.FAILED
        job.error = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=5)}"
        rerun = _finish(job, timings, ["status", "error", "timings", "finished_at"])
        if not isinstance(e, Exception):
            raise
    else:
        job.status = AlignmentJob.Status.SUCCEEDED
        rerun = _finish(job, timings, None)
    if rerun:
        job.follow_up = _follow_up(job.story)
    return job


def _finish(job: AlignmentJob, timings: dict, fields: list[str] | None) -> bool:
    """Save the finished job; return whether a re-run was requested while it ran."""
    job.timings = timings
    job.finished_at = timezone.now()
    with transaction.atomic():
        # Read the flag and end the job under one lock (see request_alignment).
        job.rerun_requested = (
            AlignmentJob.objects.select_for_update().values_list("rerun_requested", flat=True).get(pk=job.pk)
        )
        job.save(update_fields=fields)
    return job.rerun_requested


def _follow_up(story: Story) -> AlignmentJob | None:
    try:
        return start_alignment(story)
    except JobAlreadyActive:  # someone started one after this job ended: it sees the story as it is now
        return None


@contextmanager
def _phase(timings: dict, name: str, job_id: int):
    _beat(job_id)
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = round(time.perf_counter() - start, 3)


def _run(job: AlignmentJob, timings: dict, progress) -> None:
    story = job.story
    with _phase(timings, "load", job.pk):
        options = story_options(story, job.parameters.get("threshold"))
        # Texts are read apart, and only those the run needs: one more article of a big story needs its own.
        passages = _passage_rows(story)
        sentence_passages = [p for p in passages if p.kind == "sentence"]  # the rows of the semantic space
        n_articles = len({p.article_id for p in sentence_passages})
        AlignmentJob.objects.filter(pk=job.pk).update(progress_total=n_articles)
        index = _usable_index(story, options, job)
        unindexed = []
        if index is not None:
            indexed = set(index.ids.tolist())
            unindexed = [p for p in sentence_passages if p.pk not in indexed]
        incremental = 0 < len(unindexed) <= max(INCREMENTAL_MIN, INCREMENTAL_SHARE * len(sentence_passages))
        _read_texts(passages if not incremental else
                    [p for p in passages if p.article_id in {u.article_id for u in unindexed}])
        items = [p.item() for p in passages]
        sentences = [i for i in items if i.kind == "sentence"]
        headings = [i for i in items if i.kind != "sentence"]
        heading_passages = [p for p in passages if p.kind != "sentence"]  # rows appended after the sentences

    def report(done, total):  # candidate pairs scored, reported as a share of the story's articles
        done = n_articles * done // max(total, 1)
        _beat(job.pk, progress_done=done, progress_total=n_articles)
        if progress:
            progress(done, n_articles)

    if incremental:
        return _run_incremental(job, timings, options, index, passages, items, unindexed)
    with _phase(timings, "encode", job.pk):
        space, wordpiece_ids = _semantic_space(sentence_passages, options)
        heading_space = extend_space(space, _tokens(heading_passages))
    with _phase(timings, "score", job.pk):
        terms = dict(zip((i.id for i in items), item_terms(items, options)))
        prepared = prepare(sentences, options, [terms[i.id] for i in sentences])
        base = base_scores(prepared, options, report, space)
        sentence_pairs = pair_table(sentences, options, prepared, base=base)
        pairs = PairTable.concatenate([sentence_pairs, heading_table(sentences + headings, options, heading_space,
                                                                     [terms[i.id] for i in sentences + headings])])
        job.candidates, job.pairs_proposed = base.candidates, len(pairs)
        # The token vectors (0.8 GB at 1,000 articles) are done with: grouping and the index need the sentence
        # vectors and the frame only.
        del base, heading_space
        space = replace(space, vectors=(), weights=())
    # The write starts as soon as the pairs are known, on a thread beside the grouping (`_write_beside`); the
    # grouping hands it the exchanges through `grouped`. "write" times what is left to wait for after the grouping.
    grouped: Future = Future()
    stopped = threading.Event()  # set when this thread stops before the writer is done: the writer rolls back
    with _lent(connections[DEFAULT_DB_ALIAS]) as lent, ThreadPoolExecutor(1) as beside:
        try:
            with _phase(timings, "group", job.pk):  # its beat is this thread's last query until the writer is done
                written = beside.submit(_write_beside, lent, timings, story, pairs, passages, options, grouped,
                                        stopped)
                paragraphs = {p.pk: (p.article_id, p.paragraph) for p in passages}
                prepared_all = prepare(items, options, [terms[i.id] for i in items])
                vectors = {p.pk: v for p, v in zip(sentence_passages, space.sentences)}
                groups = group_exchanges(items, sentence_pairs, options, GroupOptions(), paragraphs, prepared_all,
                                         vectors=vectors)
                big = [g for g in groups if not g.is_other]
                joiner = fit_joiner(items, [list(g.items) for g in big], prepared_all, GroupOptions(), paragraphs,
                                    vectors)
                index = build_index(options, prepared, space, wordpiece_ids, joiner, [], [list(g.items) for g in big])
                del space
                grouped.set_result((groups, index))
            start = time.perf_counter()
            counts = written.result()
            timings["write"] = round(time.perf_counter() - start, 3)
        except BaseException as e:  # even an interrupt while waiting: the writer rolls back, then this raises
            stopped.set()
            if not grouped.done():
                grouped.set_exception(e)
            raise
    for name, value in counts.items():
        setattr(job, name, value)
    job.progress_done = job.progress_total = n_articles


# SQLite's page cache while a full run writes (KiB; its default is 2 MB): a million pairs' inserts keep their
# indexes' pages in memory, and the write takes a sixth less.
SQLITE_WRITE_CACHE_KIB = 65536


@contextmanager
def _page_cache(connection_, kib: int):
    """On SQLite, a page cache of `kib` KiB for this connection while the block runs (then as it was); elsewhere
    nothing."""
    if connection_.vendor != "sqlite":
        yield
        return
    with connection_.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]  # pages if positive, -KiB if negative
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection_.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def _lent(connection_):
    """`connection_` (a Django connection wrapper) made usable by one other thread at a time (`_write_beside`)."""
    connection_.inc_thread_sharing()
    try:
        yield connection_
    finally:
        connection_.dec_thread_sharing()


def _write_beside(connection_, timings: dict, story: Story, pairs: PairTable, passages: list, options: Options,
                  grouped: Future, stopped: threading.Event) -> dict[str, int]:
    """The write phase of a full run, on a thread beside the grouping: the pairs' relations, then in one
    transaction the pairs, and the exchanges and index once the grouping resolves `grouped` with
    (groups, index). An exception there, or `stopped` set by the main thread before the commit, rolls
    everything back. Returns `_write_pairs`'s counts.

    The transaction (SQLite's write lock, PostgreSQL's locks on the story's pairs) is held through the
    grouping: 13-19 s at 1,000 articles, within SQLite's busy timeout that other writers wait.

    The thread borrows the job's own connection (lent by `_lent`, the way Django's LiveServerThread shares
    one), so the run stays one transaction wherever it runs, in a test's too; the main thread makes no query
    until this returns. Writing a million pairs is mostly SQLite's or PostgreSQL's own work, and the grouping
    mostly igraph's and numpy's: the two take the two cores, and the write no longer follows the grouping.
    """
    connections[DEFAULT_DB_ALIAS] = connection_
    try:
        start = time.perf_counter()
        relations = relations_of({p.pk: p.text for p in passages}, pairs.a, pairs.b, options.aliases)
        timings["relations"] = round(time.perf_counter() - start, 3)
        with _page_cache(connection_, SQLITE_WRITE_CACHE_KIB), transaction.atomic():
            start = time.perf_counter()
            counts = _write_pairs(story, pairs, relations)
            timings["pairs"] = round(time.perf_counter() - start, 3)
            groups, index = grouped.result()
            exchange_of = _write_exchanges(story, groups, passages)
            index.exchange_ids = np.array([exchange_of[k] for k, g in enumerate(groups) if not g.is_other],
                                          dtype=np.int64)
            _save_index(story, index)
            if stopped.is_set():
                raise RuntimeError("the run stopped before its write was committed")
        return counts
    finally:
        del connections[DEFAULT_DB_ALIAS]


def score_story(story: Story, **changes) -> tuple[PairTable, int]:
    """The story's sentence pairs as a full run scores them, with `changes` to its options
    (`lexical_candidates=10**9` names every pair that shares a term: exhaustive scoring), and the number of
    candidates scored. Writes nothing: what `bench/scale.py` measures blocking's recall with."""
    options = replace(story_options(story), **changes)
    passages = [p for p in _passage_rows(story) if p.kind == "sentence"]
    _read_texts(passages)
    items = [p.item() for p in passages]
    space, _ = _semantic_space(passages, options)
    prepared = prepare(items, options)
    base = base_scores(prepared, options, semantic=space)
    return pair_table(items, options, prepared, base=base), base.candidates


@dataclass
class _PassageRow:
    """What a run reads of a live passage: 41,000 of these load in a tenth of the time of model instances."""

    pk: int
    article_id: int
    position: int
    paragraph: int
    kind: str
    voice_slug: str | None
    voice_default: bool | None
    voice_rule: str
    exchange_id: int | None
    exchange_decided_by: str
    text: str | None = None

    def item(self) -> Item:
        """The passage as the aligner sees it (a text not read yet is empty)."""
        return Item(self.pk, self.article_id, self.text or "", self.voice_slug or "", self.kind, self.position,
                    bool(self.voice_default), self.voice_rule in COMMENTARY_RULES)


def _passage_rows(story: Story) -> list[_PassageRow]:
    """The story's live passages in article order, without their texts (`_read_texts` fills those needed)."""
    return [_PassageRow(*row) for row in Passage.objects.of_story(story).live().order_by("article_id", "position")
            .values_list("pk", "article_id", "position", "paragraph", "kind", "voice__slug", "voice__is_default",
                         "voice_rule", "exchange_id", "exchange_decided_by")]


def _read_texts(passages: list[_PassageRow]) -> None:
    """Fill in the text of `passages`, a chunk of ids per query."""
    by_pk = {p.pk: p for p in passages}
    ids = list(by_pk)
    for start in range(0, len(ids), WRITE_BATCH):
        for pk, text in Passage.objects.filter(pk__in=ids[start:start + WRITE_BATCH]).values_list("pk", "text"):
            by_pk[pk].text = text


def _semantic_space(sentences: list[_PassageRow], options: Options) -> tuple[SemanticSpace, list]:
    """The story's token vectors (stored at ingest; encoded now if missing), its actors' tokens weightless.

    Returns it with every passage's wordpiece ids. Read in chunks: the frame (centre, directions, idf) from
    every passage's wordpiece ids and up to
    `FRAME_PASSAGES` passages' vectors, then the rows a chunk at a time, so a big story's float32 vectors are
    never all in memory (a story of at most `FRAME_PASSAGES` sentences is read once, for both).
    """
    ids = encodings.token_ids_for(sentences)
    step = max(1, -(-len(sentences) // FRAME_PASSAGES))
    sampled = list(encodings.vectors_in_chunks(sentences[::step]))
    sample = [v for chunk in sampled for _, v in chunk]
    frame = space_frame(ids, sample, encoder.token_ids(options.actor_words))
    # A story of at most FRAME_PASSAGES sentences was read whole for its frame: its rows come from that read.
    chunks = iter(sampled) if step == 1 else encodings.vectors_in_chunks(sentences, chunk=1000)
    del sampled
    if not any(len(v) for v in sample):  # no frame yet: the first chunk with tokens sets it (extend_space)
        for chunk in chunks:
            frame = extend_space(frame, chunk)
        return frame, ids
    del sample
    # Each chunk's rows depend on the frame only: chunks are made on every core while the next is read.
    return with_rows(frame, _bounded_map(lambda chunk: extend_space(frame, chunk), chunks)), ids


def _bounded_map(function, iterable, workers: int | None = None) -> list:
    """`list(map(function, iterable))` on a thread pool (one BLAS thread each), pulling from `iterable` only as
    workers free up: at most `workers` items (default: the cores, at most `MAP_WORKERS`) are in hand at once,
    so a big story's token vectors are never all in memory. A worker's exception is raised here."""
    if workers is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        workers = min(cores, MAP_WORKERS)
    results = []
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        pending = deque()
        for item in iterable:
            pending.append(pool.submit(function, item))
            if len(pending) >= workers:
                results.append(pending.popleft().result())
        while pending:
            results.append(pending.popleft().result())
    return results


# Chunks transformed at once when reading a story's token vectors: each holds ~280 MB while it is made, and the
# database read on the main thread feeds no more than a few.
MAP_WORKERS = 4


def _tokens(passages: list[_PassageRow]) -> list:
    """(wordpiece ids, token vectors) per passage, in order: stored at ingest, encoded now if missing."""
    vectors = encodings.vectors_for(passages)
    return [(vectors[p.pk].content_ids, vectors[p.pk].content_vectors) for p in passages]


# A run aligns only the passages its index lacks (one more article, a corrected one) when they are at most
# this many, or this share of the story; beyond, the whole story is aligned again.
INCREMENTAL_MIN = 500
INCREMENTAL_SHARE = 0.1


def _usable_index(story: Story, options: Options, job: AlignmentJob) -> StoryIndex | None:
    """The story's index if this run may align incrementally: not asked to run in full, and the index was
    made under these options and grouping."""
    if job.parameters.get("full"):
        return None
    row = AlignmentIndex.objects.filter(story=story).first()
    index = StoryIndex.from_bytes(bytes(row.data)) if row else None
    if index is None or index.joiner is None or index.options_key != options_key(options):
        return None
    if not len(index.joiner.sizes):  # no exchange to join (a one-article story): group them all
        return None
    return index


def _save_index(story: Story, index: StoryIndex) -> None:
    """Store the story's index: an UPDATE, or an INSERT for its first (update_or_create would first read the
    26 MB row of a 1,000-article story back). The caller holds the transaction."""
    data, passages = index.to_bytes(), len(index.ids)
    stored = AlignmentIndex.objects.filter(story=story)
    if stored.update(data=data, passages=passages, updated_at=timezone.now()):
        return
    try:
        with transaction.atomic():  # a savepoint: another run may have stored the story's first index meanwhile
            AlignmentIndex.objects.create(story=story, data=data, passages=passages)
    except IntegrityError:
        stored.update(data=data, passages=passages, updated_at=timezone.now())


def _run_incremental(job: AlignmentJob, timings: dict, options: Options, index: StoryIndex,
                     passages: list[_PassageRow], items: list[Item], unindexed: list[_PassageRow]) -> None:
    """Align only the `unindexed` sentences (and their articles' other passages) against the story: score their
    candidates, keep their pairs, join each new passage to its nearest exchange, grow the index. Pairs and
    exchanges already stored are not touched (an editor's work included); `align --full` redoes everything."""
    story = job.story
    job.parameters = {**job.parameters, "mode": "incremental", "new_sentences": len(unindexed)}
    new_ids = {p.pk for p in unindexed}
    item_of = {i.id: i for i in items}
    indexed = set(index.ids.tolist())
    with _phase(timings, "encode", job.pk):
        new_items = [item_of[p.pk] for p in unindexed]
        new_tokens = _tokens(unindexed)
        passage_of = {p.pk: p for p in passages}

        def tokens_of(ids):
            wanted = [passage_of[i] for i in ids]
            _read_texts([p for p in wanted if p.text is None])
            return _tokens(wanted)
    with _phase(timings, "score", job.pk):
        live = [i for i in items if i.kind == "sentence" and i.id in indexed]
        skip = encoder.token_ids(options.actor_words)
        table, grown = score_new(index, live, new_items, new_tokens, tokens_of, options, skip)
        # The new articles' headlines that state a claim, as a full run pairs them (heading_table).
        new_articles = {p.article_id for p in unindexed}
        claiming = [i for i in items if i.kind != "sentence" and i.article in new_articles
                    and states_a_claim(i.text, options.actor_words)]
        if claiming:
            headline_pairs, _ = score_new(index, live, claiming, _tokens([passage_of[i.id] for i in claiming]),
                                          tokens_of, options, skip, headlines=True)
            table = PairTable.concatenate([table, headline_pairs])
        job.candidates, job.pairs_proposed = 0, len(table)
    with _phase(timings, "relations", job.pk):
        partners = [passage_of[i] for i in set(table.a.tolist()) | set(table.b.tolist())]
        _read_texts([p for p in partners if p.text is None])
        relations = relations_of({p.pk: p.text for p in partners}, table.a, table.b, options.aliases)
    with _phase(timings, "group", job.pk):
        articles = {p.article_id for p in unindexed}
        joining = [i for i in items if i.article in articles]  # whole articles: smoothing reads neighbours
        rows = [r for r, i in enumerate(joining) if i.id not in indexed]
        joiner = index.joiner
        matrix = tfidf_matrix(item_terms(joining, options), joiner.idf, joiner.vocabulary)
        exchange_group = {int(e): g for g, e in enumerate(index.exchange_ids.tolist())}
        member_group = {p.pk: exchange_group[p.exchange_id] for p in passages
                        if p.exchange_id in exchange_group and p.pk not in new_ids}
        new_space = grown.sentences[len(index.ids):].astype(np.float32)
        vectors = {i.id: v for i, v in zip(new_items, new_space)}
        paragraphs = {p.pk: (p.article_id, p.paragraph) for p in passages if p.article_id in articles}
        joined = joiner.join(joining, rows, matrix, (table.a, table.b, table.score), member_group, paragraphs,
                             vectors)
    with _phase(timings, "write", job.pk):
        with transaction.atomic():
            _insert_pairs(story, table, np.arange(len(table)), relations, timezone.now())
            existing = set(Exchange.objects.filter(story=story).values_list("pk", flat=True))
            exchange_of = {p.pk: p.exchange_id for p in passages}
            other = None
            moves = defaultdict(list)
            for r, g in zip(rows, joined):
                exchange_id = _exchange_of_group(index, g, existing, exchange_of) if g >= 0 else None
                if exchange_id is None:
                    other = other or _other_exchange(story)
                    exchange_id = other
                moves[exchange_id].append(joining[r].id)
            for exchange_id, ids in moves.items():
                for start in range(0, len(ids), WRITE_BATCH):
                    Passage.objects.filter(pk__in=ids[start:start + WRITE_BATCH],
                                           exchange_decided_by=Passage.DecidedBy.AUTO).update(exchange_id=exchange_id)
            job.pairs_kept, job.pairs_removed = _retire_pairs_of_retired_passages(story)
            _save_index(story, grown)
    job.pairs_created = len(table)
    job.progress_done = job.progress_total


def _exchange_of_group(index: StoryIndex, group: int, existing: set, exchange_of: dict) -> int | None:
    """The exchange a new passage joining `group` goes to: the group's own, or, when an editor merged or
    deleted it, the exchange that holds most of the group's members now (None: none does)."""
    own = int(index.exchange_ids[group])
    if own in existing:
        return own
    now = Counter(exchange_of.get(int(i)) for i in index.members(group).tolist())
    now.pop(None, None)
    held = [(count, exchange) for exchange, count in now.items() if exchange in existing]
    return max(held)[1] if held else None


def _retire_pairs_of_retired_passages(story: Story) -> tuple[int, int]:
    """What a full run does to the pairs of passages a corrected article retired: an undecided one is deleted,
    a decided one kept and flagged stale. Returns (kept, removed)."""
    gone = list(Passage.objects.of_story(story).retired().values_list("pk", flat=True))
    if not gone:
        return 0, 0
    retired = AlignedPair.objects.filter(story=story).filter(Q(a__in=gone) | Q(b__in=gone))
    kept = retired.filter(DECIDED).count()
    retired.filter(DECIDED, stale=False).update(stale=True, updated_at=timezone.now())
    removed, _ = AlignedPair.objects.filter(pk__in=list(retired.exclude(DECIDED).values_list("pk", flat=True))).delete()
    return kept, removed


def _other_exchange(story: Story) -> int:
    """The story's Other exchange (made when missing): where a new passage like no exchange goes."""
    other = Exchange.objects.filter(story=story, is_other=True).first()
    if other is None:
        position = (Exchange.objects.filter(story=story).order_by("-position").values_list("position", flat=True)
                    .first() or 0) + 1
        other = Exchange.objects.create(story=story, title=OTHER_TITLE, position=position, is_other=True)
    return other.pk


# An editor's work is on the pair (a tag, or a status or note however it got there): only updated, never replaced.
DECIDED = Q(tagged_at__isnull=False) | ~Q(status=AlignedPair.Status.PROPOSED) | ~Q(note="")


def _write_pairs(story: Story, pairs: PairTable, relations: list[str]) -> dict[str, int]:
    """Make the story's stored pairs the run's proposals without losing an editor's decision; return the counts.

    Written the way both databases like it, and in memory that stays flat with the story: the stored pairs
    are read as arrays (no model instances), and a row's only statements are a DELETE by batches of
    WRITE_BATCH or a batched INSERT (`_insert_pairs`; PostgreSQL spent 18 minutes on one UPDATE setting 13,000
    rows through a CASE; a million model instances took gigabytes); an UPDATE only for the few pairs editors
    decided.
    An undecided pair the run proposes again with another score or relation is deleted and inserted again
    under its old id (so a link to it still works); one it no longer proposes is deleted; one it proposes
    unchanged is not touched. A decided pair (see `_decided`) keeps its status, relation, note and tagger:
    only its score, method, features and `stale` flag change, and only if they differ; it is flagged stale
    when the run no longer proposes it. The caller holds the transaction; the story's pairs stay locked
    (select_for_update) from this read to its end.
    """
    stored = AlignedPair.objects.filter(story=story).select_for_update()
    decided = {(p.a_id, p.b_id): p for p in stored.filter(DECIDED)}
    old, old_scores, old_relations = _stored_proposals(stored.exclude(DECIDED))
    old_keys = old[:, 1] * (1 << 32) + old[:, 2]
    order = np.argsort(old_keys)
    old, old_keys, old_scores, old_relations = old[order], old_keys[order], old_scores[order], old_relations[order]
    new_keys = pairs.a * (1 << 32) + pairs.b
    at = np.clip(np.searchsorted(old_keys, new_keys), 0, max(len(old_keys) - 1, 0))
    matched = (old_keys[at] == new_keys) if len(old_keys) else np.zeros(len(new_keys), dtype=bool)
    relation_codes = np.array([_RELATIONS.index(r) for r in relations], dtype=np.int64)
    is_decided = np.isin(new_keys, np.array([a * (1 << 32) + b for a, b in decided], dtype=np.int64))
    unchanged = matched & (old_scores[at] == pairs.score) & (old_relations[at] == relation_codes) if len(old_keys) \
        else matched
    write = ~is_decided & ~unchanged
    replaced = write & matched
    now = timezone.now()
    counts = Counter(pairs_created=int((write & ~matched).sum()), pairs_updated=int(replaced.sum()))
    updates: list[AlignedPair] = []
    for k in np.flatnonzero(is_decided).tolist():
        pair = decided.pop((int(pairs.a[k]), int(pairs.b[k])))
        counts["pairs_kept"] += 1
        score, features = float(pairs.score[k]), pairs.features(k)
        if (pair.score, pair.method, pair.features, pair.stale) != (score, METHOD, features, False):
            pair.score, pair.method, pair.features, pair.stale = score, METHOD, features, False
            updates.append(pair)
    gone = np.ones(len(old), dtype=bool)
    gone[at[matched & ~is_decided]] = False
    deletes = old[at[replaced], 0].tolist() + old[gone, 0].tolist()  # replaced, then no longer proposed
    counts["pairs_removed"] = int(gone.sum())
    for pair in decided.values():  # decided pairs no longer proposed
        counts["pairs_kept"] += 1
        if not pair.stale:
            pair.stale = True
            updates.append(pair)
    _delete_pairs(deletes)
    rows = np.flatnonzero(write)
    rows = rows[np.argsort(new_keys[rows], kind="stable")]  # in key order: the indexes grow at their ends
    pks = np.where(replaced, old[at, 0] if len(old) else 0, -1)
    again = pks[rows] >= 0
    _insert_pairs(story, pairs, rows[again], relations, now, pks[rows[again]])
    _insert_pairs(story, pairs, rows[~again], relations, now)
    for pair in updates:  # bulk_update never applies auto_now
        pair.updated_at = now
    AlignedPair.objects.bulk_update(updates, ["score", "method", "features", "stale", "updated_at"],
                                    batch_size=WRITE_BATCH)
    return {k: counts[k] for k in ("pairs_created", "pairs_updated", "pairs_kept", "pairs_removed")}


SQLITE_BATCH = 20_000  # rows per INSERT, ids per DELETE on SQLite, sent as one JSON parameter (a few MB)
SCORE_SCALE = 10_000  # pair scores and features are kept to 4 decimals (`PairTable`)
_RELATIONS = list(AlignedPair.Relation.values)


def _delete_pairs(ids: list[int]) -> None:
    """DELETE the pairs with these ids. On SQLite one statement per SQLITE_BATCH ids, given as one JSON
    parameter (`json_each`): 491,894 ids took 12.3 s by the ORM's 500 a statement, 5.0 s so (nothing refers
    to a pair and no signal listens, so the ORM's delete was a plain DELETE too); elsewhere by the ORM."""
    if connection.vendor != "sqlite":
        for start in range(0, len(ids), WRITE_BATCH):
            AlignedPair.objects.filter(pk__in=ids[start:start + WRITE_BATCH]).delete()
        return
    table = connection.ops.quote_name(AlignedPair._meta.db_table)
    column = connection.ops.quote_name(AlignedPair._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), SQLITE_BATCH):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(%s))",
                           [json.dumps(ids[start:start + SQLITE_BATCH])])


def _stored_proposals(queryset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The undecided stored pairs as an int64 array of (pk, a, b) rows, their scores and their relations (codes
    into `_RELATIONS`): a million stored pairs cost tens of megabytes here, not model instances. A pair of
    another method, or flagged stale, gets score NaN: it is never "unchanged", it is written again.

    On SQLite the rows come as one JSON array per column, made by SQLite (`json_group_array`) with the GIL
    released: a full re-run reads them on the writer's thread while igraph holds the GIL for the grouping, and
    a million rows built one Python tuple at a time took 11 s there (2.8 s alone; this, 1.9 s)."""
    names = ("pk", "a_id", "b_id", "score", "relation", "method", "stale")
    if connection.vendor == "sqlite":
        sql, params = queryset.values_list(*names).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(f'json_group_array({name})' for name in names)} FROM ({sql})", params)
            columns = [json.loads(text) for text in cursor.fetchone()]
    else:
        rows = list(queryset.values_list(*names).iterator(chunk_size=10000))
        columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in names]
    pk, a, b, score, relation, method, stale = columns
    current = np.array([m == METHOD and not s for m, s in zip(method, stale)], dtype=bool)
    codes = {r: k for k, r in enumerate(_RELATIONS)}
    return (np.array([pk, a, b], dtype=np.int64).T.reshape(-1, 3),
            np.where(current, np.array(score, dtype=np.float64), np.nan),
            np.array([codes.get(r, -1) for r in relation], dtype=np.int64))


def _insert_pairs(story: Story, pairs: PairTable, rows: np.ndarray, relations: list[str], now,
                  pks: np.ndarray | None = None) -> None:
    """INSERT the pairs of `pairs` at `rows` as proposals, with their `relations` (one per pair of `pairs`), under
    the ids `pks` (one per row) if given. On PostgreSQL by COPY; on SQLite by one INSERT per SQLITE_BATCH rows
    whose values are one JSON parameter SQLite reads itself (`json_each`): the batch is stored in C with the GIL
    released, so the grouping runs meanwhile (`_write_beside`), where `executemany` took the GIL back for every
    row. Model instances and `bulk_create` cost ten times as much for a million pairs (and PostgreSQL's
    executemany still took 108 s for 1.9 M); a batch is all that is ever held as rows. The constant values go
    through their field's `get_db_prep_save`, so both databases get what their column wants (datetimes with
    zones), and are SQL literals on SQLite.

    On SQLite the numbers travel as whole ten-thousandths (the precision `PairTable` keeps), divided back in
    SQL, and the features object is made there: SQLite's JSON reader rounds some decimals one unit off in the
    last place (a re-run would then see every stored score as changed), and Python spent more making a
    million objects' text than SQLite does."""
    fields = {f.name: f for f in AlignedPair._meta.concrete_fields}
    constant = {"story": story.pk, "method": METHOD, "status": AlignedPair.Status.PROPOSED, "stale": False,
                "tagged_by": "", "tagged_at": None, "note": "", "created_at": now, "updated_at": now}
    constant = {name: fields[name].get_db_prep_save(value, connection) for name, value in constant.items()}
    names = ["story", "a", "b", "score", "method", "relation", "status", "stale", "features", "tagged_by",
             "tagged_at", "note", "created_at", "updated_at"]
    varying = {"a": pairs.a[rows].tolist(), "b": pairs.b[rows].tolist(),
               "relation": [relations[k] for k in rows.tolist()]}
    if pks is not None:
        names, varying["id"], fields["id"] = ["id", *names], np.asarray(pks).tolist(), AlignedPair._meta.pk
    quote = connection.ops.quote_name
    table = quote(AlignedPair._meta.db_table)
    column_list = ", ".join(quote(fields[name].column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY takes the JSON text as jsonb, and ids as given
            varying.update(score=pairs.score[rows].tolist(), features=pairs.features_json(rows))
            values = zip(*(varying[name] if name in varying else repeat(constant[name]) for name in names))
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        scaled = {name: np.rint(getattr(pairs, name)[rows] * SCORE_SCALE).astype(np.int64).tolist()
                  for name in ("score", *FEATURES)}
        sent = [*varying, *scaled]
        at = {name: f"json_extract(value, '$[{k}]')" for k, name in enumerate(sent)}
        number = {name: f"{at[name]} / {SCORE_SCALE}.0" for name in scaled}
        made = {**at, "score": number["score"],
                "features": "json_object(" + ", ".join(f"'{name}', {number[name]}" for name in FEATURES) + ")"}
        values = ", ".join(made[name] if name in made else _sql_literal(constant[name]) for name in names)
        statement = f"INSERT INTO {table} ({column_list}) SELECT {values} FROM json_each(%s)"
        batches = zip(*(varying[name] if name in varying else scaled[name] for name in sent))
        while batch := list(islice(batches, SQLITE_BATCH)):
            cursor.execute(statement, [json.dumps(batch)])


def _sql_literal(value) -> str:
    """A constant of ours (never article text) as an SQL literal: NULL, an integer, a finite float or a quoted
    string; anything else is refused rather than guessed at."""
    if value is None:
        return "NULL"
    if isinstance(value, (bool, int)):  # True is 1 to SQLite
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value):
        return repr(float(value))
    if not isinstance(value, str) or "%" in value:  # the driver's placeholders are %s
        raise ValueError(f"no SQL literal for the constant {value!r}")
    return "'" + value.replace("'", "''") + "'"


def _write_exchanges(story: Story, groups, passages) -> dict[int, int]:
    """Store the groups as the story's exchanges (see the module's doc); return each group's exchange id."""
    exchanges = {e.pk: e for e in Exchange.objects.filter(story=story).select_for_update()}
    current = {p.pk: p.exchange_id for p in passages}
    pinned = {p.pk for p in passages if p.exchange_decided_by == Passage.DecidedBy.EDITOR}
    used: set[int] = set()
    assignment: dict[int, Exchange] = {}  # group index -> exchange
    # Largest groups choose first; a group takes the exchange that holds most of its passages.
    for index, group in sorted(enumerate(groups), key=lambda g: -len(g[1].items)):
        holders = Counter(current[i] for i in group.items if current.get(i) in exchanges)
        for exchange_id, overlap in holders.most_common():
            exchange = exchanges[exchange_id]
            if overlap * 2 < len(group.items) and exchange_id in used:
                continue
            if exchange_id not in used or exchange.edited_by_editor:
                assignment[index] = exchange
                used.add(exchange_id)
                break
    position = 0
    for index, group in enumerate(groups):
        exchange = assignment.get(index)
        if exchange is None:
            exchange = Exchange.objects.create(story=story, title=group.title, position=position,
                                               is_other=group.is_other)
            assignment[index] = exchange
            used.add(exchange.pk)
        elif not exchange.edited_by_editor:
            exchange.title, exchange.position, exchange.is_other = group.title, position, group.is_other
            exchange.save(update_fields=["title", "position", "is_other"])
        position += 1
    members = defaultdict(list)
    for index, group in enumerate(groups):
        for passage_id in group.items:
            if passage_id not in pinned:
                members[assignment[index].pk].append(passage_id)
    for exchange_id, ids in members.items():
        for start in range(0, len(ids), WRITE_BATCH):
            Passage.objects.filter(pk__in=ids[start:start + WRITE_BATCH]).exclude(
                exchange_id=exchange_id).update(exchange_id=exchange_id)
    stale = [pk for pk, e in exchanges.items() if pk not in used and not e.edited_by_editor]
    Exchange.objects.filter(pk__in=stale).delete()
    return {index: exchange.pk for index, exchange in assignment.items()}

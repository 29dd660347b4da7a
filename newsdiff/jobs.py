"""The alignment job: the ORM edge of `align/`.

`start_alignment(story)` records a queued `AlignmentJob` (the database refuses
a second active job for the story) and hands it to the tasks framework;
`run_alignment(job_id)` does the work wherever the task runs.

A run reads the story's passages, scores pairs and groups exchanges (pure
code in `align/`), then writes everything in one transaction: if anything
fails, the previous pairs and exchanges stay exactly as they were and the job
records the error. Editors' decisions survive every run:

- a pair an editor tagged (`tagged_at` set: confirmed, rejected, relabelled or
  annotated) keeps its status, relation, note and tagger; if the run no longer
  proposes it, it is kept and flagged `stale`. A proposed pair the run no
  longer finds is removed;
- an exchange keeps its identity when a new group mostly holds its passages;
  an exchange an editor renamed, merged or reordered keeps its title and
  position, and absorbs every new group that mostly sits in it (a merge stays
  merged); a passage an editor moved stays where it was put.
"""
from __future__ import annotations

import time
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import encodings
from .align import encoder
from .align.group import GroupOptions, group_exchanges
from .align.score import Item, Options, prepare, relation_of, score_pairs
from .align.semantic import SemanticSpace, prepare_space
from .models import AlignedPair, AlignmentJob, Exchange, Passage, Story
from .text import cues

METHOD = "lexical+semantic-1"
# Attribution rules (text.attribute) that mark a passage as outsiders' commentary.
COMMENTARY_RULES = {"cue:analyst", "cue:former", "cue:third-party", "cue:unlisted-person"}


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


def start_alignment(story: Story, *, threshold: float | None = None, enqueue: bool = True) -> AlignmentJob:
    parameters = {"method": METHOD, "threshold": story_options(story, threshold).threshold}
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


def run_alignment(job_id: int, progress=None) -> AlignmentJob:
    # Claim the job atomically: another worker may have got there first.
    claimed = AlignmentJob.objects.filter(pk=job_id, status=AlignmentJob.Status.QUEUED).update(
        status=AlignmentJob.Status.RUNNING, started_at=timezone.now()
    )
    job = AlignmentJob.objects.select_related("story").get(pk=job_id)
    if not claimed:
        return job
    timings: dict[str, float] = {}
    try:
        _run(job, timings, progress)
    except Exception as e:  # the job records any failure; the write phase rolled back
        job.status = AlignmentJob.Status.FAILED
        job.error = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=5)}"
        job.timings = timings
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "timings", "finished_at"])
        return job
    job.status = AlignmentJob.Status.SUCCEEDED
    job.timings = timings
    job.finished_at = timezone.now()
    job.save()
    return job


@contextmanager
def _phase(timings: dict, name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = round(time.perf_counter() - start, 3)


def _run(job: AlignmentJob, timings: dict, progress) -> None:
    story = job.story
    with _phase(timings, "load"):
        options = story_options(story, job.parameters.get("threshold"))
        passages = list(
            Passage.objects.filter(article__story=story, retired_at__isnull=True)
            .select_related("voice")
            .order_by("article_id", "position")
        )
        items = [
            Item(p.pk, p.article_id, p.text, p.voice.slug if p.voice else "", p.kind, p.position,
                 bool(p.voice and p.voice.is_default), p.voice_rule in COMMENTARY_RULES)
            for p in passages
        ]
        sentences = [i for i in items if i.kind == "sentence"]
        n_articles = len({i.article for i in sentences})
        AlignmentJob.objects.filter(pk=job.pk).update(progress_total=n_articles)

    def report(done, total):
        AlignmentJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)
        if progress:
            progress(done, total)

    with _phase(timings, "encode"):
        space = _semantic_space([p for p in passages if p.kind == "sentence"], options)
    with _phase(timings, "score"):
        pairs = score_pairs(sentences, options, progress=report, semantic=space)
    with _phase(timings, "relations"):
        text = {p.pk: p.text for p in passages}
        relations = {(p.a, p.b): relation_of(text[p.a], text[p.b], options.aliases) for p in pairs}
    with _phase(timings, "group"):
        paragraphs = {p.pk: (p.article_id, p.paragraph) for p in passages}
        sentence_ids = [p.pk for p in passages if p.kind == "sentence"]  # the rows of space.sentences
        groups = group_exchanges(items, pairs, options, GroupOptions(), paragraphs, prepare(items, options),
                                 vectors=dict(zip(sentence_ids, space.sentences)))
    with _phase(timings, "write"):
        with transaction.atomic():
            counts = _write_pairs(story, pairs, relations)
            _write_exchanges(story, groups, passages)
    for name, value in counts.items():
        setattr(job, name, value)
    job.progress_done = job.progress_total = n_articles


def _semantic_space(sentences: list[Passage], options: Options) -> SemanticSpace:
    """The story's token vectors (stored at ingest; encoded now if missing), its actors' tokens weightless."""
    vectors = encodings.vectors_for(sentences)
    tokens = [(vectors[p.pk].content_ids, vectors[p.pk].content_vectors) for p in sentences]
    return prepare_space(tokens, encoder.token_ids(options.actor_words))


def _write_pairs(story: Story, pairs, relations) -> dict[str, int]:
    existing = {(p.a_id, p.b_id): p for p in AlignedPair.objects.filter(story=story).select_for_update()}
    counts = Counter()
    create, update = [], []
    found = set()
    for scored in pairs:
        key = (scored.a, scored.b)
        found.add(key)
        pair = existing.get(key)
        if pair is None:
            create.append(AlignedPair(story=story, a_id=scored.a, b_id=scored.b, score=scored.score,
                                      method=METHOD, relation=relations[key], features=scored.features))
            continue
        before = (pair.score, pair.method, pair.relation, pair.stale, pair.features)
        pair.score, pair.method, pair.stale, pair.features = scored.score, METHOD, False, scored.features
        if pair.tagged_by_editor:
            counts["pairs_kept"] += 1
        else:
            pair.relation = relations[key]
        if (pair.score, pair.method, pair.relation, pair.stale, pair.features) != before:
            update.append(pair)
            counts["pairs_updated"] += not pair.tagged_by_editor
    gone = [p for key, p in existing.items() if key not in found]
    for pair in gone:
        if pair.tagged_by_editor:
            counts["pairs_kept"] += 1
            if not pair.stale:
                pair.stale = True
                update.append(pair)
    removed = [p.pk for p in gone if not p.tagged_by_editor]
    AlignedPair.objects.filter(pk__in=removed).delete()
    AlignedPair.objects.bulk_create(create)
    AlignedPair.objects.bulk_update(update, ["score", "method", "relation", "stale", "features", "updated_at"])
    counts["pairs_created"] = len(create)
    counts["pairs_removed"] = len(removed)
    return {k: counts[k] for k in ("pairs_created", "pairs_updated", "pairs_kept", "pairs_removed")}


def _write_exchanges(story: Story, groups, passages) -> None:
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
        Passage.objects.filter(pk__in=ids).exclude(exchange_id=exchange_id).update(exchange_id=exchange_id)
    stale = [pk for pk, e in exchanges.items() if pk not in used and not e.edited_by_editor]
    Exchange.objects.filter(pk__in=stale).delete()

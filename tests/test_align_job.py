"""The alignment job end to end: idempotence, editors' decisions, failure, concurrency, the command."""
import signal
import threading
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsdiff import jobs
from newsdiff.jobs import JobAlreadyActive, run_alignment, start_alignment
from newsdiff.align.score import states_a_claim
from newsdiff.models import AlignedPair, AlignmentJob, Exchange, Passage, Story

from .conftest import SEED_STORY

pytestmark = pytest.mark.django_db
SLUG = "biden-putin-2021-12-07"


@pytest.fixture
def story(seed_story):
    return seed_story


def align(story, **kwargs):
    job = start_alignment(story, enqueue=False, **kwargs)
    return run_alignment(job.pk)


def snapshot(story):
    pairs = set(AlignedPair.objects.filter(story=story).values_list("a_id", "b_id", "relation", "status"))
    exchanges = dict(Passage.objects.filter(article__story=story).values_list("pk", "exchange_id"))
    return pairs, exchanges


def test_a_job_fills_pairs_and_exchanges_and_records_its_run(story):
    job = align(story)
    assert job.status == "succeeded" and job.error == ""
    assert job.pairs_created == AlignedPair.objects.filter(story=story).count() > 50
    assert set(job.timings) == {"load", "encode", "score", "relations", "pairs", "group", "write"}
    assert job.progress_done == job.progress_total == 5
    assert 5 <= story.exchanges.count() <= 15
    assert not Passage.objects.filter(article__story=story, exchange=None).exists()
    for pair in AlignedPair.objects.filter(story=story).select_related("a", "b"):
        assert pair.a_id < pair.b_id and pair.a.article_id != pair.b.article_id


def test_headlines_that_attribute_a_claim_are_aligned_with_other_outlets_passages(story):
    align(story)
    touching = AlignedPair.objects.filter(story=story).exclude(a__kind="sentence", b__kind="sentence")
    headlines = {p for pair in touching.select_related("a", "b") for p in (pair.a, pair.b) if p.kind != "sentence"}
    assert headlines, "no headline of the seed story was aligned"
    assert all(states_a_claim(p.text) for p in headlines)
    assert all(pair.a.article_id != pair.b.article_id for pair in touching.select_related("a", "b"))


def test_a_re_run_gives_the_same_pairs_and_exchange_ids(story):
    align(story)
    before = snapshot(story)
    job = align(story)
    assert snapshot(story) == before
    assert (job.pairs_created, job.pairs_updated, job.pairs_removed) == (0, 0, 0)


def test_editor_tagged_pairs_keep_their_tags_and_a_vanished_one_is_kept_stale(story):
    align(story)
    editor = "ed"
    confirmed, rejected = AlignedPair.objects.filter(story=story).order_by("-score")[:2]
    AlignedPair.objects.filter(pk=confirmed.pk).update(status="confirmed", relation="variant", note="checked",
                                                       tagged_by=editor, tagged_at=timezone.now())
    AlignedPair.objects.filter(pk=rejected.pk).update(status="rejected", tagged_by=editor, tagged_at=timezone.now())
    job = align(story, threshold=1.9)  # a run that proposes nothing any more
    assert AlignedPair.objects.filter(story=story).count() == 2
    confirmed.refresh_from_db(); rejected.refresh_from_db()
    assert (confirmed.status, confirmed.relation, confirmed.note, confirmed.tagged_by, confirmed.stale) == (
        "confirmed", "variant", "checked", editor, True)
    assert (rejected.status, rejected.stale) == ("rejected", True)
    assert (job.pairs_kept, job.pairs_removed) == (2, job.pairs_removed)
    align(story)
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.stale) == ("confirmed", False)


def test_a_renamed_exchange_keeps_its_name_and_identity(story, django_user_model):
    align(story)
    exchange = Exchange.objects.filter(story=story, is_other=False).order_by("position").first()
    members = set(exchange.passages.values_list("pk", flat=True))
    Exchange.objects.filter(pk=exchange.pk).update(title="NATO guarantees", edited_at=timezone.now())
    align(story)
    exchange.refresh_from_db()
    assert exchange.title == "NATO guarantees"
    assert set(exchange.passages.values_list("pk", flat=True)) == members


def test_a_merge_of_two_exchanges_survives_a_re_run(story):
    align(story)
    keep, other = Exchange.objects.filter(story=story, is_other=False).order_by("position")[:2]
    Passage.objects.filter(exchange=other).update(exchange=keep)
    other.delete()
    Exchange.objects.filter(pk=keep.pk).update(title="Merged", edited_at=timezone.now())
    merged = set(keep.passages.values_list("pk", flat=True))
    align(story)
    assert merged <= set(Passage.objects.filter(exchange=keep).values_list("pk", flat=True))


def test_a_passage_an_editor_moved_stays_put(story):
    align(story)
    first, second = Exchange.objects.filter(story=story).order_by("position")[:2]
    passage = first.passages.first()
    Passage.objects.filter(pk=passage.pk).update(exchange=second, exchange_decided_by="editor")
    align(story)
    passage.refresh_from_db()
    assert passage.exchange_id == second.pk


def test_a_re_run_with_every_score_changed_rewrites_proposals_and_keeps_every_decision(story):
    align(story)
    proposed = {(p.a_id, p.b_id): (p.pk, p.score, p.relation, p.features)
                for p in AlignedPair.objects.filter(story=story)}
    first, second, third = AlignedPair.objects.filter(story=story).order_by("-score")[:3]
    tagged_at = timezone.now()
    AlignedPair.objects.filter(pk=first.pk).update(status="confirmed", relation="contradiction", note="read both",
                                                   tagged_by="ed", tagged_at=tagged_at)
    AlignedPair.objects.filter(pk=second.pk).update(note="ask the desk")  # a note without a tag is kept too
    # The stored scores all differ from what the run computes: it must rewrite every pair.
    AlignedPair.objects.filter(story=story).update(score=0.01, features={})
    AlignedPair.objects.filter(story=story).exclude(pk=first.pk).update(relation="related")
    AlignedPair.objects.filter(pk=third.pk).update(relation="verbatim")
    with CaptureQueriesContext(connection) as queries:
        job = align(story)
    after = {(p.a_id, p.b_id): p for p in AlignedPair.objects.filter(story=story)}
    assert set(after) == set(proposed)
    for key, (pk, score, relation, features) in proposed.items():
        pair = after[key]
        assert (pair.pk, pair.score, pair.features, pair.stale) == (pk, score, features, False)  # same id: links work
        if pk not in (first.pk, second.pk):
            assert (pair.relation, pair.status, pair.tagged_at) == (relation, "proposed", None)
    kept = after[(first.a_id, first.b_id)]
    assert (kept.status, kept.relation, kept.note, kept.tagged_by, kept.tagged_at) == (
        "confirmed", "contradiction", "read both", "ed", tagged_at)
    assert (after[(second.a_id, second.b_id)].note, after[(second.a_id, second.b_id)].relation) == (
        "ask the desk", "related")
    assert (job.pairs_created, job.pairs_updated, job.pairs_kept, job.pairs_removed) == (
        0, len(proposed) - 2, 2, 0)
    # Proposals are deleted and inserted again; only the two decided pairs are UPDATEd, in one statement.
    pair_updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "newsdiff_alignedpair"')]
    assert len(pair_updates) == 1 and pair_updates[0].count("WHEN") <= 2 * 5


# The pairs are written on a thread while the main thread groups (jobs._write_beside): a failure on either
# side, after the new pairs were written, must take them back too.
@pytest.mark.parametrize("step", ["_write_exchanges", "group_exchanges"])
def test_a_failing_job_leaves_the_previous_results_intact(story, monkeypatch, step):
    align(story)
    before = snapshot(story)
    pairs_written = threading.Event()
    write_pairs = jobs._write_pairs

    def writing(*args, **kwargs):
        counts = write_pairs(*args, **kwargs)
        pairs_written.set()
        return counts

    def broken(*args, **kwargs):
        assert pairs_written.wait(60)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "_write_pairs", writing)
    monkeypatch.setattr(jobs, step, broken)
    job = align(story, threshold=0.3)  # other pairs than the stored ones
    assert job.status == "failed" and "RuntimeError: disk on fire" in job.error
    assert snapshot(story) == before


def test_a_run_interrupted_while_its_writer_finishes_commits_nothing(story, monkeypatch):
    # Ctrl-C (or a worker's shutdown) reaches the main thread while it waits for the write beside it.
    align(story)
    before = snapshot(story)
    save_index = jobs._save_index

    def interrupted(*args, **kwargs):
        save_index(*args, **kwargs)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        time.sleep(0.5)  # the main thread takes it while this transaction is still open

    monkeypatch.setattr(jobs, "_save_index", interrupted)
    with pytest.raises(KeyboardInterrupt):
        align(story, threshold=0.3)
    assert AlignmentJob.objects.get(status="failed").error.startswith("KeyboardInterrupt")
    assert snapshot(story) == before


def test_a_second_job_for_a_story_with_one_running_is_refused(story):
    AlignmentJob.objects.create(story=story, status="running")
    with pytest.raises(JobAlreadyActive, match="already running"):
        start_alignment(story, enqueue=False)
    assert AlignmentJob.objects.filter(story=story).count() == 1


def test_a_job_is_claimed_once(story):
    job = start_alignment(story, enqueue=False)
    run_alignment(job.pk)
    again = run_alignment(job.pk)  # a second worker finds it already done
    assert again.status == "succeeded" and AlignmentJob.objects.count() == 1


def test_the_task_backend_runs_an_enqueued_job(story):
    job = start_alignment(story)  # ImmediateBackend: runs now
    job.refresh_from_db()
    assert job.status == "succeeded" and job.task_id


def test_the_align_command_reports_counts_and_exits_non_zero_on_errors(story, capsys):
    call_command("align", SLUG)
    out = capsys.readouterr().out
    assert f"{SLUG}: " in out and "pairs created" in out and "exchanges" in out
    with pytest.raises(CommandError, match="no story 'nope'"):
        call_command("align", "nope")
    AlignmentJob.objects.create(story=story, status="queued")
    with pytest.raises(CommandError, match="already queued"):
        call_command("align", SLUG)


def test_ingest_aligns_a_new_story_and_can_be_told_not_to(make_story, capsys):
    call_command("ingest", str(SEED_STORY))
    assert "aligned: " in capsys.readouterr().out
    assert AlignedPair.objects.exists() and Exchange.objects.exists()
    Story.objects.all().delete()
    call_command("ingest", str(SEED_STORY), "--no-align")
    assert not AlignedPair.objects.exists()


def test_an_unchanged_re_ingest_does_not_re_align(story, capsys):
    call_command("ingest", str(SEED_STORY))
    assert "aligned" not in capsys.readouterr().out
    assert not AlignmentJob.objects.exists()


def test_an_undone_decision_hands_the_pair_back_to_the_job(story):
    from newsdiff import editing

    align(story)
    undone, noted = AlignedPair.objects.filter(story=story).order_by("-score")[:2]
    jobs_relation = undone.relation
    editors_relation = "contradiction" if jobs_relation != "contradiction" else "related"
    editing.tag_pairs([undone], "ed", status="rejected", relation=editors_relation)
    editing.tag_pairs([noted], "ed", status="confirmed", note="checked")
    assert editing.untag_pairs([undone, noted], "ed") == 2
    align(story)  # the job relabels the pair it owns again
    undone.refresh_from_db()
    assert (undone.status, undone.relation, undone.tagged_by_editor) == ("proposed", jobs_relation, False)
    align(story, threshold=1.9)  # a run that proposes nothing: the handed-back pair goes, the noted one stays
    assert list(AlignedPair.objects.filter(story=story).values_list("pk", "status", "note", "stale")) == [
        (noted.pk, "proposed", "checked", True)]

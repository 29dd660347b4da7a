"""Jobs that die are recovered, an ingest during an alignment is aligned after it, a busy database is a 503."""
import os
import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsdiff import jobs
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import AlignedPair, AlignmentJob, Story

pytestmark = pytest.mark.django_db
SLUG = "biden-putin-2021-12-07"


@pytest.fixture
def story(seed_story):
    return seed_story


def pairs_of(story):
    """The story's pairs as (article, position) of each side, with their tags: stable across re-ingests."""
    return {
        (p.a.article.source, p.a.position, p.b.article.source, p.b.position, p.relation, p.status)
        for p in AlignedPair.objects.filter(story=story).select_related("a__article", "b__article")
    }


def dead_job(story, **fields):
    return AlignmentJob.objects.create(story=story, status="running", **fields)


def long_ago(settings, extra=1):
    return timezone.now() - timedelta(seconds=settings.NEWSDIFF_JOB_HEARTBEAT_LIMIT + extra)


def test_a_running_job_records_its_heartbeat_worker_and_progress(story):
    job = start_alignment(story, enqueue=False)
    seen = []
    run_alignment(job.pk, progress=lambda done, total: seen.append(AlignmentJob.objects.get(pk=job.pk)))
    assert seen and all(s.status == "running" for s in seen)
    assert [s.progress_total for s in seen] == [5] * len(seen)
    assert [s.progress_done for s in seen] == sorted(s.progress_done for s in seen) and seen[-1].progress_done >= 4
    assert seen[-1].heartbeat_at >= seen[0].heartbeat_at >= seen[0].started_at
    assert seen[0].worker.startswith(f"{socket.gethostname()}:")


def test_the_next_align_fails_a_job_silent_past_the_limit_and_runs(story, settings, capsys):
    call_command("align", SLUG)
    dead = dead_job(story, heartbeat_at=long_ago(settings))
    call_command("align", SLUG)
    captured = capsys.readouterr()
    assert f"job {dead.pk} marked failed: its worker died: no heartbeat" in captured.err
    assert "pairs created" in captured.out
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert story.jobs.filter(status="succeeded").count() == 2


def test_a_job_that_beat_within_the_limit_is_alive_and_still_refuses_a_second(story, settings):
    dead_job(story, heartbeat_at=timezone.now() - timedelta(seconds=settings.NEWSDIFF_JOB_HEARTBEAT_LIMIT / 2))
    with pytest.raises(CommandError, match="already running"):
        call_command("align", SLUG)
    call_command("reap_jobs")
    assert story.jobs.get().status == "running"


def test_a_job_whose_process_on_this_host_is_gone_is_failed_at_once(story):
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = dead_job(story, heartbeat_at=timezone.now(), worker=f"{socket.gethostname()}:{gone.pid}")
    job = start_alignment(story, enqueue=False)
    dead.refresh_from_db()
    assert dead.status == "failed" and f"process {dead.worker} is gone" in dead.error
    assert job.status == "queued"


def test_reap_jobs_fails_dead_jobs_and_leaves_their_story_pairs_intact(story, settings, capsys):
    call_command("align", SLUG)
    before = pairs_of(story)
    dead = dead_job(story, heartbeat_at=long_ago(settings))
    call_command("reap_jobs")
    out = capsys.readouterr().out
    assert f"job {dead.pk} ({SLUG}) marked failed" in out and "1 dead job marked failed" in out
    assert pairs_of(story) == before
    call_command("reap_jobs")
    assert "0 dead jobs marked failed" in capsys.readouterr().out


def test_a_live_local_worker_silent_past_the_limit_is_left_running_until_far_past_it(story, settings):
    alive = dead_job(story, heartbeat_at=long_ago(settings), worker=f"{socket.gethostname()}:{os.getpid()}")
    call_command("reap_jobs")
    alive.refresh_from_db()
    assert alive.status == "running"
    limit = settings.NEWSDIFF_JOB_HEARTBEAT_LIMIT * jobs.LOCAL_SILENCE_FACTOR
    AlignmentJob.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=limit + 1))
    call_command("reap_jobs")
    alive.refresh_from_db()
    assert alive.status == "failed" and "no heartbeat" in alive.error


def test_reap_jobs_takes_a_limit_and_refuses_a_bad_one(story, capsys):
    dead_job(story, heartbeat_at=timezone.now() - timedelta(seconds=30))
    call_command("reap_jobs", "--limit", "60")
    assert story.jobs.get().status == "running"
    call_command("reap_jobs", "--limit", "10")
    assert story.jobs.get().status == "failed"
    with pytest.raises(CommandError, match="positive number of seconds"):
        call_command("reap_jobs", "--limit", "0")


def test_a_job_queued_but_never_handed_to_a_worker_is_reaped_and_one_on_a_backend_waits(story, settings):
    stamp = long_ago(settings)
    orphan = AlignmentJob.objects.create(story=story)
    AlignmentJob.objects.filter(pk=orphan.pk).update(created_at=stamp)
    other = Story.objects.create(slug="other", title="Other")
    waiting = AlignmentJob.objects.create(story=other, task_id="abc")
    AlignmentJob.objects.filter(pk=waiting.pk).update(created_at=stamp)
    call_command("reap_jobs")
    orphan.refresh_from_db(); waiting.refresh_from_db()
    assert (orphan.status, waiting.status) == ("failed", "queued")
    assert "never started" in orphan.error


def test_a_shutdown_during_a_run_marks_the_job_failed_and_keeps_the_pairs(story, monkeypatch):
    call_command("align", SLUG)
    before = pairs_of(story)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs, "group_exchanges", interrupted)
    job = start_alignment(story, enqueue=False, threshold=0.3)
    with pytest.raises(KeyboardInterrupt):
        run_alignment(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("KeyboardInterrupt")
    assert pairs_of(story) == before


def test_a_re_run_stamps_the_pairs_it_updates(story):
    call_command("align", SLUG)
    old = timezone.now() - timedelta(days=1)
    pair = AlignedPair.objects.filter(story=story).first()
    AlignedPair.objects.filter(pk=pair.pk).update(score=0.01, updated_at=old)
    call_command("align", SLUG)
    pair.refresh_from_db()
    assert pair.score != 0.01 and pair.updated_at > old


@pytest.mark.django_db(transaction=True)
def test_an_ingest_during_an_alignment_is_aligned_after_it(seed_story_dir, capsys):
    """align, then an ingest of a changed article while the job scores: the job is followed by a new run."""
    call_command("ingest", str(seed_story_dir), "--no-align")
    story = Story.objects.get(slug=SLUG)
    article = sorted(seed_story_dir.glob("0*.txt"))[0]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace(" said ", " stated ", 1), encoding="utf-8")
    ingested = []

    def ingest_meanwhile(done, total):
        if not ingested:
            ingested.append(True)
            call_command("ingest", str(seed_story_dir))

    job = start_alignment(story, enqueue=False)
    job = run_alignment(job.pk, progress=ingest_meanwhile)
    out = capsys.readouterr().out
    assert f"alignment job {job.pk} is running: a new alignment is queued to run when it ends" in out
    assert job.rerun_requested and job.follow_up is not None
    job.follow_up.refresh_from_db()
    assert job.follow_up.status == "succeeded"
    final = pairs_of(story)
    again = run_alignment(start_alignment(story, enqueue=False).pk)  # a clean run on the same passages
    assert (again.pairs_created, again.pairs_updated, again.pairs_removed) == (0, 0, 0)
    assert pairs_of(story) == final and final


@pytest.mark.django_db(transaction=True)
def test_an_align_during_an_ingest_leaves_the_pairs_of_a_clean_run(seed_story_dir, monkeypatch, capsys):
    """The other order: align runs between two articles of an ingest; ingest's own request runs after it."""
    from newsdiff import ingest

    call_command("ingest", str(seed_story_dir))
    article = sorted(seed_story_dir.glob("0*.txt"))[-1]
    article.write_text(article.read_text(encoding="utf-8").replace(" said ", " stated ", 1), encoding="utf-8")
    store = ingest.store_article

    def store_then_align(story, prepared, roster=None):
        result = store(story, prepared, roster)
        if prepared.spec.source == sorted(p.name for p in seed_story_dir.glob("0*.txt"))[0]:
            call_command("align", SLUG)
        return result

    monkeypatch.setattr(ingest, "store_article", store_then_align)
    call_command("ingest", str(seed_story_dir))
    assert "aligned: " in capsys.readouterr().out
    story = Story.objects.get(slug=SLUG)
    final = pairs_of(story)
    again = run_alignment(start_alignment(story, enqueue=False).pk)
    assert (again.pairs_created, again.pairs_updated, again.pairs_removed) == (0, 0, 0)
    assert pairs_of(story) == final and final


def test_an_ingest_with_a_job_queued_says_that_job_will_align_it(seed_story_dir, capsys):
    call_command("ingest", str(seed_story_dir), "--no-align")
    queued = AlignmentJob.objects.create(story=Story.objects.get(slug=SLUG), task_id="t")
    article = sorted(seed_story_dir.glob("0*.txt"))[0]
    article.write_text(article.read_text(encoding="utf-8").replace(" said ", " stated ", 1), encoding="utf-8")
    call_command("ingest", str(seed_story_dir))
    assert f"alignment job {queued.pk} is queued: it will align these changes" in capsys.readouterr().out
    assert AlignmentJob.objects.count() == 1


# A database too busy to answer


def test_a_view_that_cannot_get_the_database_answers_503_not_500(client, small_story, monkeypatch):
    from newsdiff import pages

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pages, "parallel_grid", locked)
    response = client.get(reverse("newsdiff:story", args=["talks"]))
    assert response.status_code == 503 and response["Retry-After"]
    assert "busy for a moment" in response.content.decode() and "Nothing of it was saved" in response.content.decode()


def test_a_login_whose_session_cannot_be_saved_answers_503(small_story, django_user_model, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    django_user_model.objects.create_user("ed", password="pw-for-tests-only", is_staff=True)

    def locked(self, must_create=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked)
    client = Client(raise_request_exception=False)
    response = client.post(reverse("admin:login"), {"username": "ed", "password": "pw-for-tests-only"})
    assert response.status_code == 503 and "busy for a moment" in response.content.decode()


def test_other_errors_are_still_a_500(client, small_story, monkeypatch):
    from newsdiff import pages

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(pages, "parallel_grid", broken)
    response = Client(raise_request_exception=False).get(reverse("newsdiff:story", args=["talks"]))
    assert response.status_code == 500

"""The story's alignment state on its page, polled while a job is queued or running."""
import pytest
from django.urls import reverse
from django.utils import timezone

from newsdiff.models import AlignmentJob

pytestmark = pytest.mark.django_db


def story_page(client, story):
    return client.get(reverse("newsdiff:story", args=[story.slug])).content.decode()


def test_the_story_page_says_when_no_alignment_ran(client, small_story):
    assert "Not aligned yet" in story_page(client, small_story)


def test_the_story_page_shows_a_queued_or_running_job_and_polls_it(client, small_story):
    job = AlignmentJob.objects.create(story=small_story)
    page = story_page(client, small_story)
    assert "Alignment queued" in page and 'hx-trigger="every 3s"' in page
    assert f'href="{reverse("newsdiff:story", args=["talks"])}">Refresh</a>' in page
    AlignmentJob.objects.filter(pk=job.pk).update(status="running", progress_done=2, progress_total=5,
                                                  heartbeat_at=timezone.now())
    page = story_page(client, small_story)
    assert "2 of 5 articles scored" in page and 'hx-trigger="every 3s"' in page


def test_the_story_page_shows_a_failed_job_with_its_error_and_stops_polling(client, small_story):
    AlignmentJob.objects.create(story=small_story, status="failed", finished_at=timezone.now(),
                                error="RuntimeError: disk on fire\nTraceback ...")
    page = story_page(client, small_story)
    assert "The last alignment failed" in page and "RuntimeError: disk on fire" in page
    assert "Traceback" not in page and "every 3s" not in page


def test_the_story_page_shows_a_finished_job(client, small_story):
    AlignmentJob.objects.create(story=small_story, status="succeeded", finished_at=timezone.now(), pairs_created=7)
    page = story_page(client, small_story)
    assert "Aligned" in page and "7 pairs created" in page and "every 3s" not in page


def test_the_polled_job_state_reloads_the_page_once_the_job_ended(client, small_story):
    job = AlignmentJob.objects.create(story=small_story, status="running")
    url = reverse("newsdiff:job", args=["talks"]) + "?polling=1"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Refresh" not in response and "every 3s" in response.content.decode()
    AlignmentJob.objects.filter(pk=job.pk).update(status="succeeded", finished_at=timezone.now())
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert client.get(reverse("newsdiff:job", args=["nope"])).status_code == 404

"""The home page: the list of stories."""
import pytest

from newsdiff.models import Story

from .conftest import build_story

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_stories(client, read_only_seed):
    response = client.get("/")
    assert response.status_code == 200
    assert "Biden–Putin video call, 7 December 2021" in response.content.decode()


def test_the_home_page_says_how_to_add_a_story_when_empty(client):
    Story.objects.all().delete()  # (rolled back with the test: the module's seed story stays for the others)
    assert "manage.py ingest" in client.get("/").content.decode()


def test_the_home_page_refuses_a_post(client):
    assert client.post("/").status_code == 405


def test_the_story_list_runs_a_bounded_number_of_queries(client, read_only_seed, django_assert_max_num_queries):
    # Measured with one story and with six, so a query per story would make the counts differ.
    counts = []
    for extra in (0, 5):
        for n in range(extra):
            build_story(2, slug=f"extra{n}")
        with django_assert_max_num_queries(4) as captured:
            html = client.get("/").content.decode()
        assert html.count('<li>') == 1 + extra
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]

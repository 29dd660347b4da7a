"""Fuzz: no query string makes a researcher page or an admin list answer 500.

Every researcher page of the seed story and every newsdiff changelist of the admin (as a
superuser) is requested with generated query strings: known parameter names with values of
every shape (numbers too long for the database, quotes, SQL, unicode, empty, repeated) and
unknown names. Each answer is a page, a redirect or a 4xx, never a server error.
"""
import os

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdiff.ingest import ingest_story
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import Article, Passage, Story

from .conftest import SEED_STORY

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("FUZZ_REQUEST_EXAMPLES", "30"))
SLUG = "biden-putin-2021-12-07"
NAMES = ["outlet", "outlets", "voice", "voices", "min_score", "status", "q", "columns", "band", "story",
         "stale", "relation", "o", "p", "page", "e", "all", "story__id__exact", "x"]
VALUES = st.one_of(
    st.text(max_size=20), st.integers().map(str), st.just("9" * 20), st.just("1' OR 1=1"), st.just("-1"),
    st.just(""), st.just("nan"), st.just("1e309"), st.just("\x00"), st.just("<script>"), st.just("../.."),
)
QUERIES = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=5)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        story = ingest_story(SEED_STORY).story
        run_alignment(start_alignment(story, enqueue=False).pk)
        article, passage = Article.objects.first(), Passage.objects.first()
        User.objects.create_superuser("fuzz-admin", password="fuzz-password-1")
        yield article, passage
        for model in (Story, User):
            model.objects.all().delete()


def researcher_pages(article, passage):
    return [reverse("newsdiff:stories"), reverse("newsdiff:story", args=[SLUG]), reverse("newsdiff:coverage", args=[SLUG]),
            reverse("newsdiff:article", args=[SLUG, article.pk]), reverse("newsdiff:passage", args=[SLUG, passage.pk]),
            reverse("newsdiff:export", args=[SLUG, "json"]), reverse("newsdiff:export", args=[SLUG, "csv"]),
            reverse("newsdiff:export_passages", args=[SLUG]), reverse("newsdiff:story_page", args=[SLUG, 2])]


ADMIN_LISTS = ["story", "speaker", "outlet", "article", "passage", "alignedpair", "exchange", "alignmentjob"]


def assert_no_server_error(client, url, query):
    response = client.get(url, query)
    assert response.status_code < 500, (url, query, response.status_code)
    if response.streaming:
        response.getvalue()  # an export fails while it streams, after its status line: read it all


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=QUERIES, htmx=st.booleans())
def test_researcher_pages_never_answer_500(seeded, query, htmx):
    client = Client(headers={"HX-Request": "true"} if htmx else {})
    for url in researcher_pages(*seeded):
        assert_no_server_error(client, url, query)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=QUERIES)
def test_admin_lists_never_answer_500(seeded, query):
    client = Client()
    client.force_login(User.objects.get(username="fuzz-admin"))  # axes needs a request to authenticate()
    for model in ADMIN_LISTS:
        assert_no_server_error(client, reverse(f"admin:newsdiff_{model}_changelist"), query)


@pytest.mark.parametrize("value", ["abc", "9" * 20, "1' OR 1=1"])
def test_a_bad_outlet_filter_value_shows_the_whole_list_with_a_message(seeded, value):
    client = Client()
    client.force_login(User.objects.get(username="fuzz-admin"))  # axes needs a request to authenticate()
    url = reverse("admin:newsdiff_alignedpair_changelist")
    response = client.get(url, {"outlet": value})
    assert response.status_code == 200
    assert "Ignored the outlet (either side) filter" in response.content.decode()
    unfiltered = client.get(url).context["cl"].result_count
    assert response.context["cl"].result_count == unfiltered > 0


@pytest.mark.parametrize("model", ["article", "passage", "alignedpair"])
def test_an_id_too_large_for_the_database_is_a_bad_lookup_not_an_error(seeded, model):
    client = Client()
    client.force_login(User.objects.get(username="fuzz-admin"))  # axes needs a request to authenticate()
    response = client.get(reverse(f"admin:newsdiff_{model}_changelist"), {"outlet": "9" * 20, "article": "9" * 20})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("query", [{"status": "\x00"}, {"q": "a\x00b"}, {"\x00": "1"}])
def test_a_nul_character_in_the_query_string_is_a_bad_request_on_every_database(seeded, query):
    # PostgreSQL cannot compare text holding NUL: an admin list filtered by it answered 500 there.
    client = Client()
    client.force_login(User.objects.get(username="fuzz-admin"))
    for url in [reverse("admin:newsdiff_alignmentjob_changelist"), reverse("admin:newsdiff_alignedpair_changelist"),
                reverse("newsdiff:story", args=[SLUG])]:
        response = client.get(url, query)
        assert response.status_code == 400, (url, query)
    assert client.get(reverse("admin:newsdiff_alignmentjob_changelist"), {"status": "queued"}).status_code == 200


def test_a_nul_character_in_a_form_field_or_a_cookie_is_a_bad_request(seeded):
    login = reverse("admin:login")
    assert Client().post(login, {"username": "fuzz\x00admin", "password": "x"}).status_code == 400
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00"
    assert client.get(reverse("newsdiff:story", args=[SLUG])).status_code == 400
    assert Client().post(login, {"username": "nobody", "password": "wrong"}).status_code == 200  # the form says why


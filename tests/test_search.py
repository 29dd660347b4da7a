"""The story page's text search: the same contract on SQLite and PostgreSQL, PostgreSQL's web search on top."""
import pytest
from django.db import connection
from django.urls import reverse

from newsdiff.filters import Filters
from newsdiff.models import AlignedPair, Passage
from newsdiff.search import matching

from .conftest import build_story

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story():
    return build_story(3)


def found(story, q: str) -> set[str]:
    return set(matching(Passage.objects.of_story(story).live(), q).values_list("text", flat=True))


def grid(client, story, q: str) -> str:
    response = client.get(reverse("newsdiff:story", args=[story.slug]), {"q": q}, **HX)
    assert response.status_code == 200
    return response.content.decode()


def test_a_word_a_fragment_or_a_phrase_is_found_as_typed_in_any_case(story):
    assert found(story, "SEIZE") == {"The minister said the alliance tried to seize the territory."}
    assert found(story, "guarant") == {"The envoy demanded binding guarantees against expansion."}
    assert found(story, "lasted 3 hours") == {"The call lasted 3 hours."}
    assert found(story, "") == set(Passage.objects.values_list("text", flat=True))


def test_words_apart_or_in_another_form_are_found_only_where_the_database_can_search(story):
    # "demand guarantee" is no substring of any passage; PostgreSQL's stemmed web search finds the envoy's.
    expected = ({"The envoy demanded binding guarantees against expansion."}
                if connection.vendor == "postgresql" else set())
    assert found(story, "demand guarantee") == expected
    assert found(story, "expansion -envoy") == set()  # excluding a word the only match has


def test_pairs_shown_follow_the_same_search_on_either_side(story):
    def pair_texts(q):
        return {text for pair in AlignedPair.objects.filter(story=story).shown(Filters(q=q)).select_related("a", "b")
                for text in (pair.a.text, pair.b.text)}

    assert pair_texts("GUARANT") == {"The envoy demanded binding guarantees against expansion."}
    expected = pair_texts("guarant") if connection.vendor == "postgresql" else set()
    assert pair_texts("demand guarantee") == expected


def test_any_query_gives_a_page_never_an_error(client, story):
    for q in ['"unclosed', "a & | ! ( ) :* \\", "'; drop table", "the", "-", "or or", "<script>x</script>"]:
        html = grid(client, story, q)
        assert "<script>x</script>" not in html
    assert "tried to seize" in grid(client, story, "tried to SEIZE")

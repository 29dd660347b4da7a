"""The drill-down: one passage and every passage aligned to it, word differences marked."""
import pytest
from django.urls import reverse

from newsdiff.models import AlignedPair, Passage

from .conftest import HOSTILE, assert_inert, assert_same_queries_at_5_and_50_articles, build_story

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story():
    return build_story(3)


def drill(client, passage, query="", **headers):
    url = reverse("newsdiff:passage", args=[passage.article.story.slug, passage.pk])
    return client.get(url + query, **headers)


def test_the_drilldown_lists_every_aligned_outlet_with_marked_word_differences(client, story):
    conquer = Passage.objects.get(text__contains="conquer")
    seize = Passage.objects.get(text__contains="seize")
    develop = Passage.objects.get(text__contains="develop")
    AlignedPair.objects.create(story=story, a=min(conquer, develop, key=lambda p: p.pk),
                               b=max(conquer, develop, key=lambda p: p.pk), score=0.5, method="test")
    html = drill(client, conquer, **HX).content.decode()
    assert "<html" not in html and 'id="drilldown-title"' in html
    assert "Outlet 01" in html and "Outlet 02" in html
    assert "<del>conquer</del> <ins>seize</ins>" in html and "<del>conquer</del> <ins>develop</ins>" in html
    assert html.index("Outlet 01") < html.index("Outlet 02")  # best score first
    full = drill(client, seize).content.decode()
    assert "<html" in full and "<ins>" in full


def test_rejected_pairs_are_hidden_from_the_drilldown_unless_the_status_filter_asks(client, story):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    pair.status = AlignedPair.Status.REJECTED
    pair.save()
    conquer = pair.a
    assert "Outlet 01" not in drill(client, conquer).content.decode().split('class="counterparts"')[-1]
    assert "No other outlet" in drill(client, conquer).content.decode()
    shown = drill(client, conquer, "?status=rejected").content.decode()
    assert "status-rejected" in shown and "Outlet 01" in shown
    low = drill(client, conquer, "?status=all&min_score=0.95").content.decode()
    assert "No other outlet" in low


def test_a_passage_of_another_story_is_404_and_a_post_405(client, story):
    other = build_story(2, slug="other")
    passage = Passage.objects.filter(article__story=other).first()
    assert client.get(reverse("newsdiff:passage", args=[story.slug, passage.pk])).status_code == 404
    assert client.post(reverse("newsdiff:passage", args=[other.slug, passage.pk])).status_code == 405


def counterpart_outlets(client, passage, query=""):
    html = drill(client, passage, query).content.decode()
    listed = html.split('class="counterparts"')[-1] if 'class="counterparts"' in html else ""
    return {f"Outlet {n:02d}" for n in range(6) if f"Outlet {n:02d}" in listed}


def test_the_drilldown_keeps_the_counterparts_the_story_pages_filters_keep(client, story):
    # Claim 1 ("binding guarantees", voice west) is worded alike by all three outlets: 00-01 and 01-02 paired.
    middle = Passage.objects.get(article__source="001.txt", position=1)
    assert counterpart_outlets(client, middle) == {"Outlet 00", "Outlet 02"}
    assert counterpart_outlets(client, middle, f"?outlet={outlet_pk(0)}&outlet={outlet_pk(1)}") == {"Outlet 00"}
    assert counterpart_outlets(client, middle, "?voice=east") == set()  # the passage's own voice is filtered out
    Passage.objects.filter(article__source="002.txt", position=1).update(voice=story.voices.get(slug="east"))
    assert counterpart_outlets(client, middle, "?voice=west") == {"Outlet 00"}  # 02's wording now voiced east
    assert counterpart_outlets(client, middle, "?q=binding") == {"Outlet 00", "Outlet 02"}
    assert counterpart_outlets(client, middle, "?q=hours") == set()  # neither side has the words


def outlet_pk(n):
    from newsdiff.models import Outlet

    return Outlet.objects.get(name=f"Outlet {n:02d}").pk


def test_article_text_is_inert_in_the_drilldown(client):
    build_story(2, slug="hostile", hostile=HOSTILE)
    for passage in Passage.objects.filter(text__contains="<script>"):
        assert_inert(drill(client, passage).content.decode())
        assert_inert(drill(client, passage, **HX).content.decode())


def test_the_drilldown_runs_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries):
    def path(story):
        passage = Passage.objects.filter(article__story=story).order_by("pk")[1]
        return reverse("newsdiff:passage", args=[story.slug, passage.pk])
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 5, path)

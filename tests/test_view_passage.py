"""The drill-down: one passage and every passage aligned to it, word differences marked."""
import re

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
    assert "Outlet 01" not in drill(client, conquer).content.decode().split('class="counterparts"')[-1].split('class="cite"')[0]
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
    listed = html.split('class="counterparts"')[-1].split('class="cite"')[0] if 'class="counterparts"' in html else ""
    return {f"Outlet {n:02d}" for n in range(6) if f"Outlet {n:02d}" in listed}


def test_the_drilldown_keeps_the_pairs_the_story_pages_filters_keep(client, story):
    # A pair is shown when at least one of its passages is kept by the filters (AlignedPair.objects.shown),
    # as on the story page: a kept passage shows every outlet's wording; one the filters leave out shows
    # only its counterparts that they keep.
    # Claim 1 ("binding guarantees", voice west) is worded alike by all three outlets: 00-01 and 01-02 paired.
    middle = Passage.objects.get(article__source="001.txt", position=1)
    assert counterpart_outlets(client, middle) == {"Outlet 00", "Outlet 02"}
    assert counterpart_outlets(client, middle, f"?outlet={outlet_pk(1)}") == {"Outlet 00", "Outlet 02"}
    assert counterpart_outlets(client, middle, f"?outlet={outlet_pk(0)}") == {"Outlet 00"}
    assert counterpart_outlets(client, middle, "?voice=east") == set()  # no side of its pairs is voiced east
    Passage.objects.filter(article__source="002.txt", position=1).update(voice=story.voices.get(slug="east"))
    assert counterpart_outlets(client, middle, "?voice=east") == {"Outlet 02"}
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
    assert_same_queries_at_5_and_50_articles(client, django_assert_max_num_queries, 6, path)


# All wordings of one claim, and a citation ------------------------------------------------------------------

VERB_CELL = re.compile(r'<td class="(?:same|variant)" data-place="(\d+)">(conquer|seize|develop)</td>')


def test_the_variant_table_shows_shared_words_once_and_each_outlets_verb_in_one_column(client, story):
    seize = Passage.objects.get(text__contains="seize")  # aligned to both the conquer and the develop wording
    html = drill(client, seize, **HX).content.decode()
    table = html.split('<table class="variants">')[1].split("</table>")[0]
    verbs = VERB_CELL.findall(table)
    assert sorted(word for _, word in verbs) == ["conquer", "develop", "seize"]
    assert len({place for place, _ in verbs}) == 1  # one column
    assert table.count('rowspan="3"') == 2  # "The minister said ... tried to" and "the territory." shown once
    assert "<q>seize / conquer / develop</q>" in html
    assert table.index("this passage") < table.index(">conquer<")  # the drilled wording is the first row


def test_a_paraphrase_is_read_side_by_side_and_left_out_of_the_variant_table(client, story):
    seize = Passage.objects.get(text__contains="seize")
    develop = Passage.objects.get(text__contains="develop")
    develop.text = "Moscow accused the alliance of expansionist designs on land it does not own."
    develop.save()
    html = drill(client, seize).content.decode()
    table = html.split('<table class="variants">')[1].split("</table>")[0]
    assert "Moscow" not in table and ">conquer<" in table
    assert "1 other aligned passage: paraphrase or another claim of the sentence (under half" in html
    row = html.split(f'data-passage="{develop.pk}"')[1].split("</li>")[0]
    assert 'class="side-by-side"' in row and "<del>" not in row and "<ins>" not in row
    assert row.count("<mark>") == 2 and row.count("<mark>the alliance</mark>") == 2  # in each wording, only
    assert "this passage</span> The minister said <mark>the alliance</mark> tried to seize" in row  # what both have
    conquer_row = html.split('class="counterparts"')[1].split("</li>")[0]
    assert "<del>seize</del> <ins>conquer</ins>" in conquer_row  # a variant keeps its word diff


def test_identical_wordings_share_a_row_and_no_table_is_drawn_when_all_read_alike(client, story):
    middle = Passage.objects.get(article__source="001.txt", position=1)  # worded alike by all three outlets
    html = drill(client, middle).content.decode()
    assert 'class="variants"' not in html and html.count('class="counterpart ') == 2


def test_the_variant_table_is_capped_and_says_how_many_wordings_it_leaves_out(client):
    story = build_story(9, slug="many")
    seize = Passage.objects.filter(article__story=story, text__contains="seize").order_by("pk")[1]
    for n, other in enumerate(Passage.objects.filter(article__story=story, position=0).exclude(pk=seize.pk)):
        other.text = f"The minister said the alliance tried to take{n} the territory."
        other.save()
        a, b = sorted([seize, other], key=lambda p: p.pk)
        AlignedPair.objects.get_or_create(story=story, a=a, b=b, defaults={"score": 0.8, "method": "test"})
    html = drill(client, seize).content.decode()
    table = html.split('<table class="variants">')[1].split("</table>")[0]
    assert table.count("<tr") == 6 and "3 more wordings" in html


def test_cite_this_claim_gives_outlets_titles_dates_urls_wordings_and_a_permalink(client, story):
    from datetime import date

    from newsdiff.models import Article

    seize = Passage.objects.get(text__contains="seize")
    Article.objects.filter(source="000.txt").update(url="https://example.org/report-0", published=date(2021, 12, 7))
    Article.objects.filter(source="002.txt").update(url="javascript:alert(1)")
    html = drill(client, seize, "?min_score=0.1", **HX).content.decode()
    cite = html.split('<details class="cite">')[1].split("</details>")[0]
    url = reverse("newsdiff:passage", args=[story.slug, seize.pk])
    assert f'<a class="permalink" href="http://testserver{url}?min_score=0.1">' in cite
    assert "Outlet 00, “Report 0”, 2021-12-07, <a href=\"https://example.org/report-0\"" in cite
    assert "Outlet 02, “Report 2”, undated:" in cite and "javascript:" not in cite
    for verb in ("conquer", "seize", "develop"):
        assert f"tried to {verb} the territory.</q>" in cite


def test_drilldown_links_push_their_url_and_the_page_holds_the_same_panel(client, story):
    seize = Passage.objects.get(text__contains="seize")
    fragment = drill(client, seize, **HX).content.decode()
    assert fragment.count('hx-push-url="true"') == 2  # "drill into this one", per counterpart
    page = drill(client, seize).content.decode()
    assert '<div id="drilldown" class="drilldown-page">' in page
    assert fragment.strip() in page  # the same panel, as a page


def test_a_hubs_drilldown_reads_a_page_of_counterparts_best_score_first(client, monkeypatch,
                                                                        django_assert_max_num_queries):
    from newsdiff.models import AlignedPair
    monkeypatch.setattr("newsdiff.parallel.COUNTERPARTS_SHOWN", 2)
    story = build_story(5, slug="hub")
    hub = Passage.objects.filter(article__story=story, position=1).order_by("pk").first()
    others = Passage.objects.filter(article__story=story, position=1).exclude(pk=hub.pk).exclude(
        pk__in=AlignedPair.objects.filter(a=hub).values("b"))
    AlignedPair.objects.bulk_create([AlignedPair(story=story, a=hub, b=p, score=0.2 + n / 10, method="test")
                                     for n, p in enumerate(others)])  # 4 counterparts in all
    url = reverse("newsdiff:passage", args=[story.slug, hub.pk])
    with django_assert_max_num_queries(6):
        first = client.get(url + "?min_score=0.1", **HX).content.decode()
    assert "4 aligned passages" in first and "1–2 of 4, best score first" in first
    assert first.count('class="counterpart ') == 2 and "score 0.70" in first and "score 0.20" not in first
    assert f'hx-get="{url}?min_score=0.1&amp;page=2" hx-target="#drilldown"' in first
    second = client.get(url + "?min_score=0.1&page=2").content.decode()
    assert "3–4 of 4" in second and "score 0.20" in second and "previous</a>" in second and "next</a>" not in second

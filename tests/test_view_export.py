"""The export downloads: the story as JSON, its pairs as CSV."""
import json

import pytest

from tests.conftest import assert_same_queries_at_5_and_50_articles
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_export_downloads_are_attachments(client, read_only_seed):
    response = client.get(reverse("newsdiff:export", args=["biden-putin-2021-12-07", "json"]))
    assert response["Content-Disposition"] == 'attachment; filename="biden-putin-2021-12-07.json"'
    assert len(json.loads(response.getvalue())["articles"]) == 5
    response = client.get(reverse("newsdiff:export", args=["biden-putin-2021-12-07", "csv"]))
    assert response.getvalue().decode().startswith("a,b,score,relation,status")
    assert client.get("/stories/biden-putin-2021-12-07/export.xml").status_code == 404


def test_the_export_links_of_a_filtered_page_export_what_it_shows(client):
    import csv
    import io

    from newsdiff.models import Outlet

    from .conftest import build_story

    story = build_story(3)
    picked = Outlet.objects.get(name="Outlet 01")
    page = client.get(reverse("newsdiff:story", args=[story.slug]) + f"?outlet={picked.pk}&min_score=0.6").content.decode()
    link = reverse("newsdiff:export", args=[story.slug, "json"]) + f"?outlet={picked.pk}&amp;min_score=0.6"
    assert f'href="{link}"' in page
    data = json.loads(client.get(link.replace("&amp;", "&")).getvalue())
    assert data["filtered_as_on_the_story_page"]["outlets"] == [picked.pk]
    # The hours claim (pairs scoring 0.5) is below the minimum: outlet 01's hours sentence is in no claim and
    # shown alone; the two other claims are shown with every outlet's wording.
    texts = [p["text"] for p in data["passages"]]
    assert len(texts) == 7 and sum("The call lasted" in t for t in texts) == 1
    assert len(data["alignments"]) == 4 and all(a["score"] >= 0.6 for a in data["alignments"])
    full = json.loads(client.get(reverse("newsdiff:export", args=[story.slug, "json"])).getvalue())
    assert len(full["passages"]) == 9 and "filtered_as_on_the_story_page" not in full
    rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("newsdiff:export_passages", args=[story.slug]) + f"?outlet={picked.pk}&min_score=0.6").getvalue().decode())))
    assert len(rows) == 7 and {r["exchange"] for r in rows} == {"guarantees · expansion", "meeting · hours"}
    assert {r["outlet"] for r in rows} == {"Outlet 00", "Outlet 01", "Outlet 02"}


def test_the_passages_csv_lists_every_passage_with_its_outlet_url_and_exchange(client, read_only_seed):
    import csv
    import io

    response = client.get(reverse("newsdiff:export_passages", args=["biden-putin-2021-12-07"]))
    assert response["Content-Disposition"] == 'attachment; filename="biden-putin-2021-12-07-passages.csv"'
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert len(rows) == read_only_seed.articles.values("passages").count()
    assert {r["outlet"] for r in rows} == {"Xinhua", "ClubZ", "EurAsian Times", "Al Jazeera (wire copy)", "The Guardian"}
    assert all(r["text"] and r["voice"] for r in rows)


@pytest.mark.parametrize("query", ["", "?min_score=0.6&outlet=1"])
@pytest.mark.parametrize("name, fmt", [("newsdiff:export", "json"), ("newsdiff:export", "csv"),
                                       ("newsdiff:export_passages", None)])
def test_each_export_streams_with_a_fixed_number_of_queries_whatever_the_story_size(
        client, django_assert_max_num_queries, name, fmt, query):
    from .conftest import build_story

    counts = []
    for n_articles in (5, 50):
        story = build_story(n_articles, slug=f"s{n_articles}")
        url = reverse(name, args=[story.slug, fmt] if fmt else [story.slug]) + query
        with django_assert_max_num_queries(16) as captured:
            response = client.get(url)
            assert response.streaming  # written as it is read, never whole in the server's memory
            body = response.getvalue()
        assert body and response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_streamed_json_is_the_export_and_the_command_writes_the_same(client, tmp_path):
    from django.core.management import call_command

    from newsdiff.export import story_export
    from newsdiff.models import Passage

    from .conftest import build_story

    story = build_story(4)
    Passage.objects.filter(pk=Passage.objects.filter(article__story=story).first().pk).update(
        retired_at="2024-01-01T00:00:00Z")  # a retired passage is exported too, flagged
    streamed = json.loads(client.get(reverse("newsdiff:export", args=[story.slug, "json"])).getvalue())
    assert streamed == story_export(story)
    assert list(streamed) == ["story", "voices", "articles", "passages", "alignments", "exchanges"]
    assert len(streamed["passages"]) == 12 and sum(p["retired"] for p in streamed["passages"]) == 1
    call_command("export", story.slug, "-o", str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == streamed

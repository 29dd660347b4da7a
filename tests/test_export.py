import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsdiff.export import story_export, write_pairs_csv
from newsdiff.selectors import voice_shares
from newsdiff.ingest import ingest_story
from newsdiff.models import AlignedPair, Exchange, Passage, Speaker, Story

from .conftest import ARTICLE
from .conftest import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(make_story):
    ingest_story(make_story({"a.txt": ARTICLE, "b.txt": ARTICLE.replace("Geneva", "Vienna")}))
    return Story.objects.get(slug="talks")


def test_the_json_has_the_public_keys(story, tmp_path):
    out = tmp_path / "out.json"
    call_command("export", "talks", "--format", "json", "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"story", "voices", "articles", "passages", "alignments", "exchanges"}
    assert data["story"] == {"slug": "talks", "title": "Two capitals talk", "date": "2024-03-01"}
    assert [(v["slug"], v["name"], v["default"]) for v in data["voices"]] == [
        ("east", "East", False), ("west", "West", False), ("press", "Press", True)]
    article = data["articles"][0]
    assert set(article) >= {"id", "source", "outlet", "title", "url", "published", "voice_share"}
    assert set(article["voice_share"]) == {"east", "west", "press"}
    assert abs(sum(article["voice_share"].values()) - 1) < 0.001 and article["voice_share"]["west"] > 0
    passage = data["passages"][0]
    assert set(passage) >= {"id", "article", "position", "paragraph", "start", "end", "text", "voice", "speaker"}
    assert passage["voice"] == "press" and passage["speaker"] is None
    smith = next(p for p in data["passages"] if p["text"].startswith('"We are ready'))
    assert (smith["voice"], smith["speaker"]) == ("west", "John Smith")
    assert data["alignments"] == [] and data["exchanges"] == []


def test_every_exported_passage_slices_its_article_body(story):
    data = story_export(story)
    bodies = {a.pk: a.body for a in story.articles.all()}
    for p in data["passages"]:
        assert bodies[p["article"]][p["start"]:p["end"]] == p["text"]


def test_pairs_and_exchanges_are_exported_with_their_tags(story):
    editor = "ed"
    a, b = (Passage.objects.filter(article__source=s, position=1).get() for s in ("a.txt", "b.txt"))
    AlignedPair.objects.create(story=story, a=a, b=b, score=0.9, method="test", relation="variant",
                               status="confirmed", tagged_by=editor, tagged_at=timezone.now(), note="checked")
    exchange = Exchange.objects.create(story=story, title="Meeting place")
    Passage.objects.filter(pk__in=[a.pk, b.pk]).update(exchange=exchange)
    data = story_export(story)
    [pair] = data["alignments"]
    assert {k: pair[k] for k in ("a", "b", "relation", "status", "tagged_by", "note")} == {
        "a": a.pk, "b": b.pk, "relation": "variant", "status": "confirmed", "tagged_by": "ed", "note": "checked"}
    assert data["exchanges"] == [{"id": exchange.pk, "title": "Meeting place", "position": 0,
                                  "passages": [a.pk, b.pk]}]
    rows = list(csv.DictReader(io.StringIO(_csv(story))))
    assert rows[0]["a_text"] == a.text and rows[0]["b_text"] == b.text and rows[0]["status"] == "confirmed"


def test_the_export_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    # Measured at two story sizes, each passage with a speaker and an exchange, so a query per
    # article, passage, pair, speaker or exchange would make the counts differ.
    counts = []
    for n_articles in (3, 30):
        built = build_story(n_articles, slug=f"x{n_articles}")
        east = built.voices.get(slug="east")
        for n, passage in enumerate(Passage.objects.filter(article__story=built)):
            passage.speaker = Speaker.objects.create(story=built, name=f"Speaker {n}", voice=east)
            passage.save(update_fields=["speaker"])
        with django_assert_max_num_queries(6) as captured:
            data = story_export(built)
        assert len(data["passages"]) == 3 * n_articles and len(data["alignments"]) == 3 * (n_articles - 1)
        assert all(p["speaker"] and p["exchange"] for p in data["passages"])
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_export_of_an_unknown_story_names_the_known_ones(story):
    with pytest.raises(CommandError, match=r"no story 'nope' \(stories: talks\)"):
        call_command("export", "nope")


def test_voice_shares_count_words():
    shares = voice_shares([(1, "a", "one two three"), (1, "b", "four")], ["a", "b", "c"])
    assert shares == {1: {"a": 0.75, "b": 0.25, "c": 0.0}}


def _csv(story):
    out = io.StringIO()
    write_pairs_csv(story, out)
    return out.getvalue()


def test_export_to_a_path_it_cannot_write_is_one_line_not_a_traceback(story, tmp_path):
    with pytest.raises(CommandError, match="cannot write .*: No such file or directory"):
        call_command("export", "talks", "-o", str(tmp_path / "missing" / "x.json"))

"""End to end on a story unlike the seed: another pair of governments, other outlets, three
file shapes (a wire with a source line, a site title with a section label, hard-wrapped text)."""
from pathlib import Path

import pytest

from newsdiff.export import story_export
from newsdiff.ingest import ingest_story
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import Story

pytestmark = pytest.mark.django_db
STORY = Path(__file__).parent / "data" / "xi-biden-call"


@pytest.fixture
def data():
    report = ingest_story(STORY)
    assert report.summary() == "3 created"
    story = Story.objects.get(slug="xi-biden-call")
    job = run_alignment(start_alignment(story, enqueue=False).pk)
    assert job.status == "succeeded"
    return story_export(story)


def passage(data, start):
    [found] = [p for p in data["passages"] if p["text"].startswith(start)]
    return found


def test_files_of_three_shapes_are_cleaned(data):
    outlets = {a["source"]: (a["outlet"], a["title"]) for a in data["articles"]}
    assert outlets["wire.txt"] == ("Global Wire", "Xi, Biden hold phone call on trade, Taiwan")
    assert outlets["daily.txt"][1] == "Biden presses Xi on chips and fentanyl in ninety-minute call"
    herald = passage(data, "The American and Chinese presidents")
    assert "\n" not in herald["text"] and "an hour and a half" in herald["text"]
    assert not [p for p in data["passages"] if p["text"] in ("Share this article", "Leave a Reply")]


@pytest.mark.parametrize(
    "start, voice, speaker",
    [
        ("Xi warned Biden", "beijing", "Xi Jinping"),
        ("According to the Chinese readout", "beijing", None),
        ("National Security Adviser Jake Sullivan", "white_house", "Jake Sullivan"),
        ("He added that no date", "white_house", "Jake Sullivan"),
        ('"The call was candid', "beijing", "Mao Ning"),
        ("Former State Department official Mary Cole", "press", "Mary Cole"),
        ("Analyst Chen Li", "press", "Chen Li"),
        ("Xi, Biden hold phone call", "press", None),
        ("Both sides said", "press", None),
    ],
)
def test_voices_and_speakers(data, start, voice, speaker):
    p = passage(data, start)
    assert (p["voice"], p["speaker"]) == (voice, speaker)


def test_one_claim_is_linked_across_all_three_outlets(data):
    fire = {passage(data, s)["id"] for s in ("Xi warned Biden", "Beijing said Xi told", "Xi told Biden that")}
    linked = {(a["a"], a["b"]) for a in data["alignments"]}
    assert sum(1 for a, b in linked if a in fire and b in fire) == 3


def test_every_passage_sits_in_one_exchange(data):
    members = [pid for e in data["exchanges"] for pid in e["passages"]]
    assert sorted(members) == sorted(p["id"] for p in data["passages"])

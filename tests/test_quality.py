"""Quality floors on the gold stories (../shared/eval beside the checkout; skipped without it).

The seed story's gold, and each development story under ../shared/eval/dev (a folder with
story.toml and gold.json) when present. Regression guards a little below today's figures
(December 2026, `devscores.py`: voice 0.98 / 0.95 / 0.97, pair F1 0.56 / 0.51 / 0.61 with
precision 0.57 / 0.65 / 0.73, exchanges 0.52 / 0.54 / 0.58): a change that breaks
segmentation, attribution or alignment fails here before anyone scores it. The exchange
floor is looser: the grouping moves about +-0.05 with small changes of its input.
"""
import json
import sys

import pytest

from newsdiff.export import story_export
from newsdiff.ingest import ingest_story
from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import Story

from .conftest import ROOT, SEED_STORY

SHARED_EVAL = ROOT.parent / "shared" / "eval"
DEV_STORIES = sorted(p for p in (SHARED_EVAL / "dev").glob("*/") if (p / "gold.json").exists()) \
    if (SHARED_EVAL / "dev").is_dir() else []
# (story folder, gold file, folder of the gold's documents)
STORIES = [pytest.param((SEED_STORY, SHARED_EVAL / "gold_seeds.json", SEED_STORY), id="seeds")] + [
    pytest.param((folder, folder / "gold.json", folder), id=folder.name) for folder in DEV_STORIES
]
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (SHARED_EVAL / "score.py").exists(), reason="the shared gold is not beside this checkout"),
]


@pytest.fixture(scope="module")
def gold_score():
    sys.path.insert(0, str(SHARED_EVAL))
    try:
        import score
    finally:
        sys.path.remove(str(SHARED_EVAL))
    return score


@pytest.mark.parametrize("story", STORIES)
def test_a_gold_story_keeps_its_quality_floors(story, gold_score):
    folder, gold_file, documents = story
    ingest_story(folder)
    story = Story.objects.get()
    assert run_alignment(start_alignment(story, enqueue=False).pk).status == "succeeded"
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    export = story_export(story)
    result = gold_score.score(export, gold, str(documents))  # as the issues' acceptance scores it
    with_headings = gold_score.score(export, gold, str(documents), with_headings=True)

    # Every body quote of the gold is in some passage; of the headline and caption quotes at most
    # one may be gone (a title-case line between paragraphs is taken for a related-article link).
    assert result["uncovered"] == [] and len(with_headings["uncovered"]) <= 1, with_headings["uncovered"]
    assert result["voice_accuracy"] >= 0.92, result["voice_errors"]
    assert result["pair_precision"] >= 0.55 and result["pair_f1"] >= 0.48, result["missed_claims"]
    assert result["exchange_bcubed_f1"] >= 0.45
    # Headlines that attribute a claim are aligned too (today 0.50 / 0.52 / 0.43).
    assert with_headings["pair_precision"] >= 0.55 and with_headings["pair_f1"] >= 0.40


def test_a_story_file_that_names_only_the_voices_still_labels_most_passages(tmp_path, gold_score):
    """Officials the articles introduce by title carry their side's voice (bench/thin_roster.py: 0.915
    on the seed story with only the voices' names; 0.746 before they joined the roster)."""
    import shutil
    folder = tmp_path / "bare"
    shutil.copytree(SEED_STORY, folder)
    toml = (folder / "story.toml").read_text(encoding="utf-8").splitlines()
    (folder / "story.toml").write_text("\n".join(
        line for line in toml if not line.startswith(("speakers", "institutions", "aliases = {"))) + "\n",
        encoding="utf-8")
    ingest_story(folder)
    story = Story.objects.get()
    assert not story.speakers.exclude(origin="detected").exists()
    gold = json.loads((SHARED_EVAL / "gold_seeds.json").read_text(encoding="utf-8"))
    result = gold_score.score(story_export(story), gold, str(folder))
    assert result["voice_accuracy"] >= 0.88, result["voice_errors"]

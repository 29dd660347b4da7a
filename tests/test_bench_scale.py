"""bench/scale.py's story: a valid story folder whose N articles are all distinct (none refused as a
duplicate), each with its own title and outlet, and the same for the same seed."""
import hashlib
import importlib.util
from pathlib import Path

from newsdiff.storyfile import load_story
from newsdiff.text.clean import clean_article

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
scale = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scale)


def test_an_n_article_story_has_n_distinct_articles_titles_and_cycling_outlets(tmp_path):
    slug, extra = scale.build_story(57, tmp_path / "story")
    story = load_story(tmp_path / "story")
    assert (story.slug, len(story.articles)) == (slug, 57) and not story.warnings
    texts = [a.path.read_bytes() for a in story.articles] + [extra.read_bytes()]
    assert len({hashlib.sha256(t).hexdigest() for t in texts}) == 58
    titles = [clean_article(t.decode()).title for t in texts]
    assert len(set(titles)) == 58 and titles[7].startswith("Copy 7: ")
    assert [a.outlet for a in story.articles[:2]] == ["Outlet 1", "Outlet 2"]
    assert story.articles[50].outlet == "Outlet 1" and len({a.outlet for a in story.articles}) == scale.OUTLETS


def test_the_same_seed_builds_the_same_story_and_another_seed_another(tmp_path):
    scale.build_story(8, tmp_path / "a", seed=3)
    scale.build_story(8, tmp_path / "b", seed=3)
    scale.build_story(8, tmp_path / "c", seed=4)
    read = lambda d: [p.read_bytes() for p in sorted((tmp_path / d).glob("*.txt"))]  # noqa: E731
    assert read("a") == read("b") and read("a") != read("c")
    assert read("a")[:5] != read("a")[5:]  # copies after the seed's five are changed, not repeated

"""What ingesting one article costs, encoding included, and what `align` then costs.

    .venv/bin/python bench/ingest.py          # a 40-sentence article, then the seed story

Runs in a fresh SQLite database in a temporary folder. The 40-sentence article is the seed
story's sentences, taken in order across its articles, with the story's own story.toml, so
it exercises cleaning, segmentation, attribution and encoding as a real article would. The
encoder's weights are loaded first (once per process: a web or worker process keeps them),
and reported on their own line. Prints wall-clock seconds.
"""
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="newsdiff-bench-"))
os.environ.update(DATABASE_URL=f"sqlite:///{TMP}/db.sqlite3", SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="newsdiff.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from newsdiff.align import encoder  # noqa: E402
from newsdiff.ingest import ingest_story  # noqa: E402
from newsdiff.jobs import run_alignment, start_alignment  # noqa: E402
from newsdiff.models import Passage, Story  # noqa: E402
from newsdiff.storyfile import load_story  # noqa: E402
from newsdiff.text.clean import clean_article  # noqa: E402
from newsdiff.text.segment import segment  # noqa: E402

SEED = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"


def forty_sentence_story() -> Path:
    sentences = []
    for spec in load_story(SEED).articles:
        clean = clean_article(spec.path.read_text(encoding="utf-8"))
        sentences += [s.text for s in segment(clean.paragraphs) if s.kind == "text"]
    folder = TMP / "one-article"
    folder.mkdir()
    toml = (SEED / "story.toml").read_text(encoding="utf-8")
    head = toml.split("[[articles]]")[0].replace('slug = "biden-putin-2021-12-07"', 'slug = "one-article"')
    (folder / "story.toml").write_text(head, encoding="utf-8")
    body = "\n\n".join(" ".join(sentences[k:k + 4]) for k in range(0, 40, 4))
    (folder / "article.txt").write_text("Forty sentences\n\n" + body + "\n", encoding="utf-8")
    return folder


def timed(label, work):
    start = time.perf_counter()
    out = work()
    print(f"{label:44} {time.perf_counter() - start:6.2f} s")
    return out


def main() -> None:
    call_command("migrate", verbosity=0)
    timed("load the encoder (once per process)", encoder.default_model)
    folder = forty_sentence_story()
    timed("ingest a 40-sentence article (+ encode)", lambda: ingest_story(folder))
    print(f"{'  passages stored':44} {Passage.objects.filter(article__story__slug='one-article').count():6d}")
    copy = TMP / "seed"
    shutil.copytree(SEED, copy)
    timed("ingest the seed story (5 articles, + encode)", lambda: ingest_story(copy))
    story = Story.objects.get(slug="biden-putin-2021-12-07")
    job = timed("align the seed story (encodings stored)", lambda: run_alignment(start_alignment(story, enqueue=False).pk))
    print("  job phases:", ", ".join(f"{k} {v:.2f} s" for k, v in job.timings.items()))
    shutil.rmtree(TMP)


if __name__ == "__main__":
    main()

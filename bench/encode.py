"""Encoder throughput: model load, the seed story's passages, and 1,000 news-like sentences.

    .venv/bin/python bench/encode.py          # everything
    .venv/bin/python bench/encode.py 40       # and a batch of 40 sentences

Prints wall-clock and process CPU seconds (CPU time is steadier than wall time on a
busy machine; it counts every BLAS thread). No database: it runs align.encoder alone.
The 1,000 sentences are the seed story's sentences, cycled with a word or two dropped
so that every one is a distinct text of news length.
"""
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdiff.align import encoder  # noqa: E402
from newsdiff.storyfile import load_story  # noqa: E402
from newsdiff.text.clean import clean_article, decode_bytes  # noqa: E402
from newsdiff.text.segment import segment  # noqa: E402

STORY = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"


def seed_passages() -> list[str]:
    texts = []
    for spec in load_story(STORY).articles:
        text, _ = decode_bytes(spec.path.read_bytes())
        texts.extend(s.text for s in segment(clean_article(text).paragraphs))
    return texts


def news_like(n: int, passages: list[str]) -> list[str]:
    rng = random.Random(7)
    sentences = [p for p in passages if len(p.split()) >= 6]
    out = []
    while len(out) < n:
        words = sentences[len(out) % len(sentences)].split()
        del words[rng.randrange(len(words))]
        out.append(" ".join(words))
    return out


def timed(label: str, texts: list[str]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    encoded = encoder.encode(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tokens = sum(len(tv.ids) for tv in encoded)
    print(f"{label:28} {len(texts):5} texts {tokens:6} tokens  {wall:6.2f} s  "
          f"{wall / len(texts) * 1000:6.1f} ms/text wall  {cpu / len(texts) * 1000:6.1f} ms/text cpu")


def main(extra: list[int]) -> None:
    start = time.perf_counter()
    encoder.default_model()
    print(f"load (sha256 check, weights, tokenizer): {time.perf_counter() - start:.2f} s")
    passages = seed_passages()
    encoder.encode(passages[:8])  # warm the BLAS threads and allocator
    timed("seed story passages", passages)
    for n in extra:
        timed(f"{n} news-like sentences", news_like(n, passages))
    timed("1000 news-like sentences", news_like(1000, passages))
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]])

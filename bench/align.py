"""Alignment throughput on the seed story and on N perturbed copies of it.

    .venv/bin/python bench/align.py          # the seed story
    .venv/bin/python bench/align.py 20       # and a story of 20 copies of each article

Each copy of an article drops one word in ten and swaps some words for
others, so copies are near-duplicates, not duplicates. Prints passages,
candidate pairs scored (pairs sharing a term or near in the semantic space),
pairs kept, seconds per phase (encode: the sentence encoder, once per passage,
which ingest does when a passage is stored; align: semantic space, scores and
exchanges, what `manage.py align` does once passages are encoded), milliseconds
encoded per passage, and the process's peak resident memory so far. Headlines that attribute a
claim are paired as the job pairs them (`heading_pairs`, counted apart). No database: it
runs the pure pipeline (the job adds a few database round trips and one write transaction).
"""
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdiff.align import encoder  # noqa: E402
from newsdiff.align.group import GroupOptions, group_exchanges  # noqa: E402
from newsdiff.align.score import Item, Options, base_scores, heading_pairs, prepare, score_pairs  # noqa: E402
from newsdiff.align.semantic import extend_space, prepare_space  # noqa: E402
from newsdiff.storyfile import load_story  # noqa: E402
from newsdiff.text import cues  # noqa: E402
from newsdiff.text.attribute import PassageText, Roster, SpeakerEntry, VoiceEntry, attribute  # noqa: E402
from newsdiff.text.clean import clean_article  # noqa: E402
from newsdiff.text.segment import segment  # noqa: E402

STORY = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"
SWAPS = {"said": "stated", "talks": "discussions", "warned": "cautioned", "Tuesday": "Tues.", "would": "will"}


def perturb(text: str, rng: random.Random, swaps: dict = SWAPS) -> str:
    """Drop about one word in ten (of more than three letters) and swap half the swappable ones."""
    out = []
    for word in text.split(" "):
        if rng.random() < 0.1 and len(word) > 3:
            continue
        out.append(swaps.get(word, word) if rng.random() < 0.5 else word)
    return " ".join(out)


def build_items(copies: int):
    spec = load_story(STORY)
    roster = Roster(
        voices=tuple(VoiceEntry(v.slug, v.name, v.institutions, v.default) for v in spec.voices),
        speakers=tuple(SpeakerEntry(s, v.slug, v.aliases.get(s, ())) for v in spec.voices for s in v.speakers),
    )
    rng = random.Random(7)
    items, paragraphs, article, next_id = [], {}, 0, 1
    for copy in range(copies):
        for a in spec.articles:
            text = a.path.read_text(encoding="utf-8")
            clean = clean_article(text if copy == 0 else perturb(text, rng))
            segments = segment(clean.paragraphs)
            voices = attribute([PassageText(s.text, s.paragraph, s.kind if s.kind != "text" else "sentence")
                                for s in segments], roster)
            for position, (s, v) in enumerate(zip(segments, voices)):
                kind = "sentence" if s.kind == "text" else "heading"
                items.append(Item(next_id, article, s.text, v.voice, kind, position, v.voice == roster.default))
                paragraphs[next_id] = (article, s.paragraph)
                next_id += 1
            article += 1
    actors = list(cues.PERSON_ROLES) + [w for v in spec.voices for w in (*v.speakers, *v.institutions, v.name)
                                        if not v.default]
    options = Options(aliases=spec.aliases, actor_words=tuple(actors))
    return items, paragraphs, options


def run(copies: int) -> None:
    timings = {}
    start = time.perf_counter()
    items, paragraphs, options = build_items(copies)
    timings["text"] = time.perf_counter() - start
    sentences = [i for i in items if i.kind == "sentence"]
    headings = [i for i in items if i.kind != "sentence"]
    encoder.default_model()  # loaded once per process; not an alignment cost
    start = time.perf_counter()
    encoded = encoder.encode([i.text for i in sentences + headings])
    timings["encode"] = time.perf_counter() - start
    start = time.perf_counter()
    tokens = [(e.content_ids, e.content_vectors) for e in encoded]
    space = prepare_space(tokens[:len(sentences)], encoder.token_ids(options.actor_words))
    prepared = prepare(sentences, options)
    base = base_scores(prepared, options, semantic=space)
    candidates = base.candidates
    pairs = score_pairs(sentences, options, prepared, base=base)
    headline_pairs = heading_pairs(sentences + headings, options, extend_space(space, tokens[len(sentences):]))
    timings["score"] = time.perf_counter() - start
    start = time.perf_counter()
    vectors = {item.id: space.sentences[row] for row, item in enumerate(sentences)}
    groups = group_exchanges(items, pairs, options, GroupOptions(), paragraphs, vectors=vectors)
    timings["group"] = time.perf_counter() - start
    phases = "  ".join(f"{k} {v:.2f}s" for k, v in timings.items())
    print(f"copies {copies:3}  articles {len({i.article for i in items}):4}  passages {len(items):6}  "
          f"candidate pairs {candidates:9}  kept {len(pairs):7} (+{len(headline_pairs)} headline)  exchanges {len(groups):3}  {phases}  "
          f"align {timings['score'] + timings['group']:.2f}s  "
          f"encode {1000 * timings['encode'] / max(len(items), 1):.1f} ms/passage  "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    run(1)
    if len(sys.argv) > 1:
        run(int(sys.argv[1]))

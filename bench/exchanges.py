"""Exchange B-cubed F1 of grouping variants on every story with gold (needs ../shared/eval).

    .venv/bin/python bench/exchanges.py            # variants, then leave-one-story-out choice
    .venv/bin/python bench/exchanges.py --titles   # the default grouping's titles, per story
    .venv/bin/python bench/exchanges.py --perturb  # variants averaged over perturbed inputs (slower)

Ingests each story into one in-memory database (the seed story from
fixtures/stories with ../shared/eval/gold_seeds.json over ../shared/seeds, and
every ../shared/eval/dev/<story> holding a story.toml and a gold.json), scores
pairs once per story, then groups exchanges with each variant of
`GroupOptions` and prints B-cubed F1 per story and their mean.

The gold is projected as the official scorer does (its `locate` and `covers`;
a passage carrying claims of several exchanges takes the most frequent one,
ties to the exchange the gold lists first), so the default row matches the
"exch F1" column of devscores.py.

With --perturb each variant is also run on every story with one article left
out (each in turn) and with the items in two shuffled orders; the mean over
those runs is what to judge a change by: one run moves by +-0.05 with such
small input changes.

Leave-one-story-out: for each story, the grid of main constants is ranked by
the mean F1 on the *other* stories; the chosen setting's F1 on the held-out
story is what a new story can expect. A constant is trustworthy when every
fold chooses (nearly) the same value.
"""
import itertools
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from statistics import mean

from seed import EVAL, SEEDS, STORY  # first: sets up Django  # isort: skip
from django.core.management import call_command

import score as gold_score
from newsdiff import encodings
from newsdiff.align import encoder
from newsdiff.align.group import GroupOptions, group_exchanges
from newsdiff.align.score import Item, prepare, score_pairs
from newsdiff.align.semantic import prepare_space
from newsdiff.ingest import ingest_story
from newsdiff.jobs import COMMENTARY_RULES, story_options
from newsdiff.models import Passage, Story

VARIANTS = [
    ("default", dict()),
    ("without sentence vectors (tf-idf only)", dict(w_semantic=0.0)),
    ("sentence vectors x2", dict(w_semantic=2.0)),
    ("without pair scores", dict(w_pair=0.0)),
    ("headlines and term-poor passages in the graph", dict(min_terms=0)),
    ("one smoothing (window 0.25, paragraph 0.5)", dict(smoothings=())),
    ("without paragraph smoothing", dict(smoothings=((0.25, 0.0), (0.5, 0.0)))),
    ("without article window smoothing", dict(smoothings=((0.0, 0.25), (0.0, 0.5)))),
    ("without the commentary dimension", dict(w_commentary=0.0)),
    ("one resolution (1.3), majority of runs", dict(resolutions=(1.3,), agreement=0.5)),
    ("full graph (no kNN)", dict(neighbours=0)),
]
# The main constants chosen leave-one-story-out.
GRID = dict(w_semantic=[0.5, 1.0, 1.5], agreement=[0.25, 0.3, 0.4, 0.5], min_size=[3, 6],
            smoothings=[((0.25, 0.25), (0.25, 0.5), (0.5, 0.25), (0.5, 0.5)), ((0.25, 0.5),)])


def stories():
    """(slug, story folder, gold, folder of the gold's documents)."""
    out = [(STORY, json.loads((EVAL / "gold_seeds.json").read_text(encoding="utf-8")), SEEDS)]
    for folder in sorted((EVAL / "dev").glob("*/")):
        if (folder / "story.toml").exists() and (folder / "gold.json").exists():
            out.append((folder, json.loads((folder / "gold.json").read_text(encoding="utf-8")), folder))
    return out


def gold_exchanges(passages, gold, docs) -> dict[int, str]:
    """Each gold-covering passage's exchange, projected as the official scorer does."""
    source = {p.pk: p.article.source for p in passages}
    text = {doc: gold_score.norm((docs / doc).read_text(encoding="utf-8"))
            for doc in set(source.values()) if (docs / doc).exists()}
    where = {p.pk: gold_score.locate(gold_score.norm(p.text), text[source[p.pk]])
             for p in passages if source[p.pk] in text}
    claims = defaultdict(set)
    for claim in gold["claims"]:
        for m in claim["mentions"]:
            if m.get("heading") or m["doc"] not in text:
                continue
            span = gold_score.locate(gold_score.norm(m["quote"]), text[m["doc"]])
            for p in passages:
                if source[p.pk] == m["doc"] and gold_score.covers(where.get(p.pk), span):
                    claims[p.pk].add(claim["id"])
    exchange = {c["id"]: c["exchange"] for c in gold["claims"]}
    order = {e["id"]: k for k, e in enumerate(gold.get("exchanges", []))}

    def main(ids):
        counts = Counter(exchange[c] for c in sorted(ids))
        return max(counts, key=lambda e: (counts[e], -order.get(e, len(order))))

    return {pk: main(ids) for pk, ids in claims.items() if ids}


def bcubed(groups, gold: dict[int, str]) -> float:
    predicted = {pk: n for n, g in enumerate(groups) for pk in g.items}
    pred, true = defaultdict(set), defaultdict(set)
    for pk, ex in gold.items():
        pred[predicted.get(pk, ("alone", pk))].add(pk)
        true[ex].add(pk)
    p = mean(len(pred[predicted.get(i, ("alone", i))] & true[gold[i]]) / len(pred[predicted.get(i, ("alone", i))])
             for i in gold)
    r = mean(len(pred[predicted.get(i, ("alone", i))] & true[gold[i]]) / len(true[gold[i]]) for i in gold)
    return 2 * p * r / (p + r) if p + r else 0.0


def semantic_space(sentences, options):
    """The story's SemanticSpace over its sentence passages, built as the alignment job builds it."""
    vectors = encodings.vectors_for(sentences)
    tokens = [(vectors[p.pk].content_ids, vectors[p.pk].content_vectors) for p in sentences]
    return prepare_space(tokens, encoder.token_ids(options.actor_words))


def load():
    """Per story: (name, items, pairs, options, paragraphs, prepared, gold projection, sentence vectors)."""
    call_command("migrate", verbosity=0)
    out = []
    for folder, gold, docs in stories():
        story = ingest_story(folder).story
        options = story_options(story)
        passages = list(Passage.objects.filter(article__story=story).select_related("voice", "article")
                        .order_by("article_id", "position"))
        items = [Item(p.pk, p.article_id, p.text, p.voice.slug if p.voice else "", p.kind, p.position,
                      bool(p.voice and p.voice.is_default), p.voice_rule in COMMENTARY_RULES) for p in passages]
        paragraphs = {p.pk: (p.article_id, p.paragraph) for p in passages}
        sentences = [p for p in passages if p.kind == "sentence"]
        space = semantic_space(sentences, options)
        pairs = score_pairs([i for i in items if i.kind == "sentence"], options, semantic=space)
        name = "seeds" if folder == STORY else story.slug
        out.append((name, items, pairs, options, paragraphs, prepare(items, options),
                    gold_exchanges(passages, gold, docs), dict(zip((p.pk for p in sentences), space.sentences))))
    assert Story.objects.count() == len(out)
    return out


def run(data, go: GroupOptions) -> list[tuple[int, float]]:
    """(groups, B-cubed F1) per story."""
    rows = []
    for _, items, pairs, options, paragraphs, prepared, gold, vectors in data:
        groups = group_exchanges(items, pairs, options, go, paragraphs, prepared, vectors=vectors)
        rows.append((len(groups), bcubed(groups, gold)))
    return rows


def perturbed(data):
    """Per story, the list of its perturbed copies: each article left out in turn, then two shuffled item orders."""
    out = []
    for name, items, pairs, options, paragraphs, prepared, gold, vectors in data:
        copies = []
        for article in sorted({i.article for i in items}):
            kept = [i for i in items if i.article != article]
            ids = {i.id for i in kept}
            copies.append((name, kept, [p for p in pairs if p.a in ids and p.b in ids], options, paragraphs,
                           prepare(kept, options), {k: v for k, v in gold.items() if k in ids}, vectors))
        for seed in range(2):
            order = list(items)
            random.Random(seed).shuffle(order)
            copies.append((name, order, pairs, options, paragraphs, prepare(order, options), gold, vectors))
        out.append(copies)
    return out


def main():
    data = load()
    names = [d[0][:12] for d in data]
    if "--perturb" in sys.argv:
        copies = perturbed(data)
        print(f"{'variant (mean F1 over perturbed inputs)':42} " + " ".join(f"{n:>12}" for n in names) + f" {'mean':>6}")
        for label, change in VARIANTS:
            go = replace(GroupOptions(), **change)
            rows = [mean(f for _, f in run(story, go)) for story in copies]
            print(f"{label:42} " + " ".join(f"{f:12.3f}" for f in rows) + f" {mean(rows):6.3f}")
        return
    if "--titles" in sys.argv:
        for name, items, pairs, options, paragraphs, prepared, gold, vectors in data:
            print(f"== {name}: {len(set(gold.values()))} gold exchanges")
            for g in group_exchanges(items, pairs, options, GroupOptions(), paragraphs, prepared, vectors=vectors):
                print(f"  {len(g.items):3d}  {g.title}")
        return
    print(f"{'variant':42} " + " ".join(f"{n:>16}" for n in names) + f" {'mean':>6}")
    for label, change in VARIANTS:
        rows = run(data, replace(GroupOptions(), **change))
        print(f"{label:42} " + " ".join(f"{f:6.3f} ({n:2d} grp)" for n, f in rows)
              + f" {mean(f for _, f in rows):6.3f}")
    keys = list(GRID)
    results = {}
    for values in itertools.product(*GRID.values()):
        results[values] = [f for _, f in run(data, replace(GroupOptions(), **dict(zip(keys, values))))]
    print(f"\nleave-one-story-out over {len(results)} settings of {', '.join(keys)}")
    held = []
    for k, name in enumerate(names):
        best = max(results, key=lambda v: (mean(f for j, f in enumerate(results[v]) if j != k), v))
        held.append(results[best][k])
        print(f"  leave out {name:12}: choose {dict(zip(keys, best))} -> held-out F1 {results[best][k]:.3f}")
    print(f"  mean held-out F1 {mean(held):.3f}")
    best = max(results, key=lambda v: (mean(results[v]), v))
    print(f"  best on all: {dict(zip(keys, best))} -> " + " ".join(f"{f:.3f}" for f in results[best])
          + f" (mean {mean(results[best]):.3f})")


if __name__ == "__main__":
    main()

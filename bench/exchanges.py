"""Exchange B-cubed F1 of grouping variants on every story with gold (needs ../shared/eval).

    .venv/bin/python bench/exchanges.py            # variants, then leave-one-story-out choice
    .venv/bin/python bench/exchanges.py --titles   # the default grouping's titles, per story
    .venv/bin/python bench/exchanges.py --perturb  # variants averaged over perturbed inputs (slower)
    .venv/bin/python bench/exchanges.py --ceiling  # what the similarity allows, with the gold's help

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

With --ceiling: how far any grouping built on today's similarity can go,
measured with the gold's help (never used by the pipeline). "nearest gold
exchange" puts each passage, left out in turn, into the gold exchange whose
other passages it is most similar to on average: a supervised classifier on
the same similarity, an upper bound for an unsupervised grouping. "gold pairs"
replaces the alignment's pairs by the gold's own same-claim pairs: what
perfect pairs would add. "k = gold count" cuts the consensus at exactly as
many groups as the gold has.
"""
import itertools
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from statistics import mean

import numpy as np

from seed import EVAL, SEEDS, STORY  # first: sets up Django  # isort: skip
from django.core.management import call_command

import score as gold_score
from newsdiff import encodings
from newsdiff.align import encoder
from newsdiff.align import group as grouping
from newsdiff.align.group import GroupOptions, group_exchanges, passage_similarity
from newsdiff.align.score import Item, ScoredPair, prepare, score_pairs
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
    claims = gold_claims(passages, gold, docs)
    exchange = {c["id"]: c["exchange"] for c in gold["claims"]}
    order = {e["id"]: k for k, e in enumerate(gold.get("exchanges", []))}

    def main(ids):
        counts = Counter(exchange[c] for c in sorted(ids))
        return max(counts, key=lambda e: (counts[e], -order.get(e, len(order))))

    return {pk: main(ids) for pk, ids in claims.items() if ids}


def gold_claims(passages, gold, docs) -> dict[int, set]:
    """Passage pk -> the ids of the gold claims whose (non-heading) mentions it covers, as the scorer decides."""
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
    return dict(claims)


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


GOLD_PAIRS = {}  # story name -> the gold's same-claim pairs over its passages (--ceiling only)


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
        claims = gold_claims(passages, gold, docs)
        GOLD_PAIRS[name] = [ScoredPair(a.id, b.id, 1.0, {}) for a, b in itertools.combinations(items, 2)
                            if a.article != b.article and claims.get(a.id, set()) & claims.get(b.id, set())]
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


def nearest_gold_exchange(similarity, rows, gold_of_row) -> dict[int, str]:
    """Each row, left out in turn, put into the gold exchange whose other rows it is most similar to on average."""
    labels = sorted(set(gold_of_row.values()))
    members = {e: np.array([r for r in rows if gold_of_row[r] == e]) for e in labels}
    out = {}
    for r in rows:
        best, best_score = None, -np.inf
        for e in labels:
            others = members[e][members[e] != r]
            if len(others) and similarity[r, others].mean() > best_score:
                best, best_score = e, similarity[r, others].mean()
        out[r] = best
    return out


def ceiling(data):
    """B-cubed F1 per story: today's grouping, then the three gold-assisted bounds of the module docstring."""
    go = GroupOptions()
    rows = {"today's grouping": [], "nearest gold exchange (supervised)": [], "gold pairs instead of ours": [],
            "k = gold count": []}
    for name, items, pairs, options, paragraphs, prepared, gold, vectors in data:
        rows["today's grouping"].append(bcubed(group_exchanges(items, pairs, options, go, paragraphs, prepared,
                                                               vectors=vectors), gold))
        similarity = np.mean([passage_similarity(items, pairs, prepared, replace(go, w_window=w, w_paragraph=p),
                                                 paragraphs, vectors) for w, p in go.smoothings], axis=0)
        row_of = {item.id: r for r, item in enumerate(items)}
        gold_of_row = {row_of[pk]: ex for pk, ex in gold.items()}
        assigned = nearest_gold_exchange(similarity, sorted(gold_of_row), gold_of_row)
        by_exchange = defaultdict(list)
        for r, ex in assigned.items():
            by_exchange[ex].append(items[r].id)
        rows["nearest gold exchange (supervised)"].append(
            bcubed([grouping.Group(tuple(ids), ex) for ex, ids in by_exchange.items()], gold))
        rows["gold pairs instead of ours"].append(bcubed(group_exchanges(
            items, GOLD_PAIRS[name], options, go, paragraphs, prepared, vectors=vectors), gold))
        saved = grouping._average_linkage
        grouping._average_linkage = lambda similarity, floor, k=len(set(gold.values())): saved(
            similarity, -np.inf, clusters=k)
        try:
            rows["k = gold count"].append(bcubed(group_exchanges(
                items, pairs, options, replace(go, min_size=1), paragraphs, prepared, vectors=vectors), gold))
        finally:
            grouping._average_linkage = saved
    return rows


def main():
    data = load()
    names = [d[0][:12] for d in data]
    if "--ceiling" in sys.argv:
        print(f"{'exchange B-cubed F1':36} " + " ".join(f"{n:>12}" for n in names) + f" {'mean':>6}")
        for label, values in ceiling(data).items():
            print(f"{label:36} " + " ".join(f"{f:12.3f}" for f in values) + f" {mean(values):6.3f}")
        return
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

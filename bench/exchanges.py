"""What each grouping idea adds to exchange B-cubed F1 on the seed gold (needs ../shared/eval).

    .venv/bin/python bench/exchanges.py

Ingests the seed story into an in-memory database, scores pairs once, then
groups exchanges with each variant of `GroupOptions` and prints B-cubed
precision, recall and F1 for the whole story and the mean over the five
leave-one-article-out sub-stories (a guard against tuning to one article set).

The official scorer gives a passage that carries claims of several exchanges
the most common one, ties broken by string-hash order, so its exchange figure
moves by +-0.02 with PYTHONHASHSEED. This bench projects the gold the same way
(the scorer's own `locate` and `covers`) and averages over 16 seeded
tie-breaks instead.
"""
import json
import random
from collections import Counter, defaultdict
from dataclasses import replace
from statistics import mean

from seed import EVAL, SEEDS, STORY  # first: sets up Django  # isort: skip
from django.core.management import call_command

import score as gold_score
from newsdiff.align.group import GroupOptions, group_exchanges
from newsdiff.align.score import Item, prepare, score_pairs
from newsdiff.ingest import ingest_story
from newsdiff.jobs import COMMENTARY_RULES, story_options
from newsdiff.models import Passage, Story

VARIANTS = [
    ("Louvain consensus on tf-idf + pair scores", dict(w_window=0.0, w_paragraph=0.0)),
    ("+ paragraph smoothing", dict(w_window=0.0)),
    ("+ article window smoothing (default)", dict()),
    ("default without pair scores", dict(w_pair=0.0)),
    ("default without the commentary dimension", dict(w_commentary=0.0)),
    ("default, one Louvain run (no consensus)", dict(runs=1)),
    ("default on the full graph (no kNN)", dict(neighbours=0)),
    ("default, resolution 1.0 (plain modularity)", dict(resolution=1.0)),
]


def gold_exchanges(passages, gold) -> list[dict[int, str]]:
    """Per seeded tie-break, each gold-covering passage's exchange, projected as the scorer does."""
    source = {p.pk: p.article.source for p in passages}
    text = {doc: gold_score.norm((SEEDS / doc).read_text(encoding="utf-8")) for doc in set(source.values())}
    where = {p.pk: gold_score.locate(gold_score.norm(p.text), text[source[p.pk]]) for p in passages}
    claims = defaultdict(set)
    for claim in gold["claims"]:
        for m in claim["mentions"]:
            if m.get("heading") or m["doc"] not in text:
                continue
            span = gold_score.locate(gold_score.norm(m["quote"]), text[m["doc"]])
            for p in passages:
                if source[p.pk] == m["doc"] and gold_score.covers(where[p.pk], span):
                    claims[p.pk].add(claim["id"])
    exchange = {c["id"]: c["exchange"] for c in gold["claims"]}
    rng = random.Random(0)
    draws = []
    for _ in range(16):
        draw = {}
        for pk in sorted(claims):
            ids = sorted(claims[pk])
            rng.shuffle(ids)
            draw[pk] = Counter(exchange[c] for c in ids).most_common(1)[0][0]
        draws.append(draw)
    return draws


def bcubed(groups, draws, keep) -> tuple[float, float, float]:
    predicted = {pk: n for n, g in enumerate(groups) for pk in g.items}
    results = []
    for draw in draws:
        items = [pk for pk in draw if pk in keep]
        pred, true = defaultdict(set), defaultdict(set)
        for pk in items:
            pred[predicted.get(pk, ("alone", pk))].add(pk)
            true[draw[pk]].add(pk)
        p = mean(len(pred[predicted.get(i, ("alone", i))] & true[draw[i]]) / len(pred[predicted.get(i, ("alone", i))])
                 for i in items)
        r = mean(len(pred[predicted.get(i, ("alone", i))] & true[draw[i]]) / len(true[draw[i]]) for i in items)
        results.append((p, r, 2 * p * r / (p + r)))
    return tuple(mean(x[k] for x in results) for k in range(3))


def main():
    call_command("migrate", verbosity=0)
    ingest_story(STORY)
    story = Story.objects.get()
    options = story_options(story)
    passages = list(Passage.objects.filter(article__story=story).select_related("voice", "article")
                    .order_by("article_id", "position"))
    items = [Item(p.pk, p.article_id, p.text, p.voice.slug, p.kind, p.position, p.voice.is_default,
                  p.voice_rule in COMMENTARY_RULES) for p in passages]
    paragraphs = {p.pk: (p.article_id, p.paragraph) for p in passages}
    draws = gold_exchanges(passages, json.loads((EVAL / "gold_seeds.json").read_text(encoding="utf-8")))
    subsets = [items] + [[i for i in items if i.article != a] for a in sorted({i.article for i in items})]
    prepared = []
    for subset in subsets:
        prepared.append((subset, prepare(subset, options),
                         score_pairs([i for i in subset if i.kind == "sentence"], options)))
    print(f"{'variant':45} {'groups':>6} {'P':>6} {'R':>6} {'F1':>6}   leave-one-article-out F1 (mean)")
    for name, change in VARIANTS:
        go = replace(GroupOptions(), **change)
        rows = []
        for subset, prep, pairs in prepared:
            groups = group_exchanges(subset, pairs, options, go, paragraphs, prep)
            rows.append((len(groups), bcubed(groups, draws, {i.id for i in subset})))
        (n, (p, r, f)), folds = rows[0], [row[1][2] for row in rows[1:]]
        print(f"{name:45} {n:6d} {p:6.3f} {r:6.3f} {f:6.3f}   "
              + " ".join(f"{x:.3f}" for x in folds) + f" ({mean(folds):.3f})")


if __name__ == "__main__":
    main()

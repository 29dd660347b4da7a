"""What each scoring idea adds on the seed gold (needs ../shared/eval beside the checkout).

    .venv/bin/python bench/ablation.py

Ingests the seed story into a throwaway in-memory database, then scores pairs
with each idea added in turn and prints, for each variant, pair precision,
recall and F1 at its best threshold (scales differ between variants) and at
the default threshold. A development aid: the gold is one story; the same
scorer runs on stories this repository has never seen.
"""
import json
import sys
from dataclasses import replace

from seed import EVAL, STORY  # first: sets up Django  # isort: skip
from django.core.management import call_command

import score as gold_score
from newsdiff.align.score import Item, score_pairs
from newsdiff.export import story_export
from newsdiff.ingest import ingest_story
from newsdiff.jobs import story_options
from newsdiff.models import Passage, Story



def evaluate(export, gold, pairs):
    data = dict(export, alignments=[{"a": p.a, "b": p.b, "score": p.score, "relation": "paraphrase",
                                     "status": "proposed", "method": "ablation"} for p in pairs])
    r = gold_score.score(data, gold, str(STORY))
    return r["pair_precision"], r["pair_recall"], r["pair_f1"], len(pairs)


def main():
    call_command("migrate", verbosity=0)
    ingest_story(STORY)
    story = Story.objects.get()
    export = story_export(story)
    gold = json.loads((EVAL / "gold_seeds.json").read_text(encoding="utf-8"))
    full = story_options(story)
    passages = Passage.objects.filter(article__story=story).select_related("voice").order_by("article_id", "position")
    everything = [Item(p.pk, p.article_id, p.text, p.voice.slug, p.kind, p.position, p.voice.is_default)
                  for p in passages]
    plain = replace(full, prefix=0, w_rare=0.0, w_fuzzy=0.0, w_neighbour=0.0, same_voice_bonus=1.0,
                    opposing_voice_factor=1.0, actor_words=())
    steps = [
        ("idf cosine, every passage", plain, True),
        ("+ sentences only (no headings, captions)", plain, False),
        ("+ 5-letter stems", replace(plain, prefix=full.prefix), False),
        ("+ story actors removed", replace(plain, prefix=full.prefix, actor_words=full.actor_words), False),
        ("+ two rarest shared terms", replace(full, w_fuzzy=0.0, w_neighbour=0.0, same_voice_bonus=1.0,
                                              opposing_voice_factor=1.0), False),
        ("+ rapidfuzz token-set ratio", replace(full, w_neighbour=0.0, same_voice_bonus=1.0,
                                                opposing_voice_factor=1.0), False),
        ("+ voices (same x1.25, opposing x0.7)", replace(full, w_neighbour=0.0), False),
        ("+ neighbour support (full method)", full, False),
    ]
    print(f"{'variant':44} {'best threshold: P / R / F1 (pairs)':38} at default {full.threshold}")
    for name, options, all_kinds in steps:
        items = [replace(i, kind="sentence") for i in everything] if all_kinds else everything
        scored = score_pairs(items, replace(options, threshold=0.0))
        best = max((evaluate(export, gold, [p for p in scored if p.score >= t / 100]) + (t / 100,)
                    for t in range(5, 90, 2)), key=lambda r: r[2])
        at_default = evaluate(export, gold, [p for p in scored if p.score >= full.threshold])
        print(f"{name:44} {best[0]:.3f} / {best[1]:.3f} / {best[2]:.3f} ({best[3]:3}) at {best[4]:.2f}   "
              f"{at_default[0]:.3f} / {at_default[1]:.3f} / {at_default[2]:.3f} ({at_default[3]})")


if __name__ == "__main__":
    if not (EVAL / "score.py").exists():
        sys.exit(f"needs {EVAL}/score.py and gold_seeds.json")
    main()

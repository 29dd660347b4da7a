"""Compare sentence segmenters on tricky news sentences, the seed story and a hostile line.

    .venv/bin/pip install pysbd==0.3.4 syntok==1.4.4   # optional: not project dependencies
    .venv/bin/python bench/segmenters.py

Prints, per segmenter, how many of the tricky cases it splits as expected,
how many seed sentences it finds, its throughput on the seed articles, and how
long it takes on a line built to make backtracking segmenters hang ("figures.."
and a run of numbers: pysbd needs seconds per extra number). "project" is
`text.segment` (sentencex and the project's re-join rules); "sentencex" is the
library alone.
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = [
    ("The U.S. said it would respond. Russia denied it.", 2),
    ("WASHINGTON, Dec. 7 (Agency) -- The president met his counterpart on Tuesday.", 1),
    ("Mr. Smith spoke with Gen. Jones at 5 p.m. on Monday. Then he left.", 2),
    ('He said: "We are ready." He added that talks would go on.', 2),
    ('"We are ready. We will act," the adviser said.', 1),
    ("The war — which began in 2014 — goes on. Nobody knows when it ends.", 2),
    ("- Via Some News Agency.", 1),
    ("Talks began at 5:07 p.m. local time and ended at 7:08 p.m., officials said.", 1),
    ("It cost $3.5 billion. That is a lot.", 2),
    ("Sen. Jim Risch, R-Idaho, said no. The vote failed.", 2),
    ("The U.N. Security Council met on Nov. 27. It adjourned.", 2),
    ('"Greetings, Mr President," the president said. His guest smiled.', 2),
    ("He moved to the U.S. Then he worked.", 2),
    ("Is it over? No! It goes on.", 3),
    ("Dr. Smith vs. Prof. Jones: a debate. It was long.", 2),
    ("The St. Petersburg forum, in Jan. 2022, drew 3,000 people. It ended.", 2),
    ("Officials (including Lt. Col. Vindman) testified. They left.", 2),
    ("“They will stay,” he said. “For the Russians it is important.”", 2),
    ("Gov. Newsom, i.e. the governor, spoke. E.g. he said yes.", 2),
]


HOSTILE = "The figures.. " + " ".join(str(n) for n in range(1, 40)) + " were released."


def project_sentences(text):
    from newsdiff.text.segment import sentence_spans

    return [text[s:e] for s, e in sentence_spans(text)]


def sentencex_sentences(text):
    import sentencex

    return [s.strip() for s in sentencex.segment("en", text) if s.strip()]


def pysbd_sentences(text):
    import pysbd

    return [s.strip() for s in pysbd.Segmenter(language="en", clean=False).segment(text) if s.strip()]


def syntok_sentences(text):
    import syntok.segmenter as sy

    out = []
    for paragraph in sy.analyze(text):
        for sentence in paragraph:
            tokens = list(sentence)
            out.append(text[tokens[0].offset: tokens[-1].offset + len(tokens[-1].value)])
    return out


def main():
    from newsdiff.text.clean import clean_article

    seeds = sorted((ROOT / "fixtures" / "stories").glob("*/*.txt"))
    paragraphs = [p.text for f in seeds for p in clean_article(f.read_text(encoding="utf-8")).paragraphs]
    size = sum(len(p) for p in paragraphs)
    for name, split in (("project", project_sentences), ("sentencex", sentencex_sentences),
                        ("pysbd", pysbd_sentences), ("syntok", syntok_sentences)):
        try:
            split("Warm up.")
        except ImportError:
            print(f"{name:7} not installed")
            continue
        right = sum(len(split(text)) == n for text, n in CASES)
        start = time.perf_counter()
        found = sum(len(split(p)) for p in paragraphs)
        seconds = time.perf_counter() - start
        hostile = HOSTILE if name != "pysbd" else HOSTILE[:60]  # pysbd on the whole line runs for minutes
        begin = time.perf_counter()
        split(hostile)
        print(f"{name:9} tricky cases {right}/{len(CASES)}  seed sentences {found}  "
              f"{size / seconds / 1000:.0f} KB/s  hostile line ({len(hostile)} chars) {time.perf_counter() - begin:.3f} s")


if __name__ == "__main__":
    main()

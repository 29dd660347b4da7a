"""Voice accuracy when a story file lists fewer people (needs ../shared/eval).

    .venv/bin/python bench/thin_roster.py

A researcher adding a new story rarely lists every aide and spokesperson. For
each story with gold (the seed story and every ../shared/eval/dev/<story>), this
copies the story folder into a temporary directory three times, with its
`story.toml` as written ("full"), with each voice's first speaker only and no
institutions or aliases ("leaders"), and with the voices' names alone ("bare"),
then runs devscores.py's own measurement (ingest, align, export, score) on each
copy and prints voice accuracy and pair F1 per story and roster.

The copies live only in the temporary directory: nothing of the dev stories is
written into the project.
"""
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(EVAL))

import devscores  # noqa: E402

ROSTERS = ("full", "leaders", "bare")


def thinned(toml: str, roster: str) -> str:
    """`toml` with its speakers, institutions and speaker aliases cut down to `roster`."""
    if roster == "full":
        return toml
    out = []
    for line in toml.splitlines():
        if line.startswith(("institutions", "aliases = {")):
            continue
        if line.startswith("speakers"):
            if roster == "bare":
                continue
            first = re.findall(r'"([^"]+)"', line)[:1]
            line = f"speakers = {first!r}".replace("'", '"')
        out.append(line)
    tomllib.loads("\n".join(out))  # still a valid story file
    return "\n".join(out) + "\n"


def main() -> int:
    stories = devscores.stories(type("Args", (), {"story": None})())
    print(f"{'story':34} " + " ".join(f"{r + ' voice':>13} {r + ' F1':>10}" for r in ROSTERS))
    totals = {r: [] for r in ROSTERS}
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder, gold, docs in stories:
            cells = []
            for roster in ROSTERS:
                copy = Path(tmp) / f"{folder.name}-{roster}"
                shutil.copytree(folder, copy)
                (copy / "story.toml").write_text(
                    thinned((folder / "story.toml").read_text(encoding="utf-8"), roster), encoding="utf-8")
                row = devscores.measure(name, copy, gold, docs, sys.executable)
                totals[roster].append(row)
                cells.append(f"{row['voice']:13.3f} {row['pair_f1']:10.3f}")
            print(f"{name:34} " + " ".join(cells), flush=True)
    print(f"{'mean':34} " + " ".join(f"{mean(r['voice'] for r in totals[k]):13.3f} "
                                      f"{mean(r['pair_f1'] for r in totals[k]):10.3f}" for k in ROSTERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())

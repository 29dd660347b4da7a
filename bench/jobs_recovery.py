"""Jobs that die are recovered, and concurrent work loses nothing: kill -9 and race scenarios, end to end.

    .venv/bin/python bench/jobs_recovery.py [--copies 4] [--races 20] [--only kill-align,...]

Each scenario runs the real commands (`manage.py ingest/align/db_worker`) as
processes on a fresh SQLite file under a temporary folder, kills them with
SIGKILL at spread-out moments, and checks what is stored with plain SQL:

- kill-align: kill `align` of a story of 5 x COPIES articles (the seed story
  and perturbed copies, as bench/align.py makes them) at 20..95 % of a clean
  run's time, then `align` again: does it run, and does its pair count equal a
  clean run's?
- kill-ingest: kill `ingest` of the folder at spread-out moments: is there an
  article without passages? Then ingest again: the pair count equals a clean run's?
- kill-worker: the same with TASKS_BACKEND=django_tasks_db.DatabaseBackend: the
  ingest queues the job, `db_worker --batch` runs it and is killed; then `align`.
- race: `align` and `ingest` of a changed article started together, in both
  orders, RACES times each: the final pairs equal a clean single run's, and no
  process printed a traceback.
Prints one line per trial and a summary per scenario.
"""
import argparse
import os
import random
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from align import perturb  # bench/align.py: the same perturbed copies

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"
PY = str(ROOT / ".venv" / "bin" / "python")
BENCH_SECRET_KEY = secrets.token_urlsafe(50)


def make_story(folder: Path, copies: int, slug: str = "") -> Path:
    """The seed story with `copies` versions of each article (copy 0 the original), each its own outlet."""
    folder.mkdir(parents=True, exist_ok=True)
    toml = (SEED / "story.toml").read_text(encoding="utf-8")
    if slug:
        toml = re.sub(r'^slug = ".*"$', f'slug = "{slug}"', toml, count=1, flags=re.M)
    head, _, articles = toml.partition("[[articles]]")
    entries = [e for e in ("[[articles]]" + articles).split("[[articles]]") if e.strip()]
    rng = random.Random(7)
    out = [head.rstrip() + "\n"]
    for copy in range(copies):
        for block in entries:
            name = re.search(r'file = "([^"]+)"', block).group(1)
            outlet = re.search(r'outlet = "([^"]+)"', block).group(1)
            text = (SEED / name).read_text(encoding="utf-8")
            target = f"c{copy}_{name}"
            (folder / target).write_text(text if copy == 0 else perturb(text, rng), encoding="utf-8")
            out.append(f'\n[[articles]]\nfile = "{target}"\noutlet = "{outlet}{"" if copy == 0 else f" {copy}"}"\n')
    (folder / "story.toml").write_text("".join(out), encoding="utf-8")
    return folder


def change_one_article(folder: Path) -> None:
    """An outlet's correction: one word changed in the first article (a new sentence text)."""
    first = sorted(folder.glob("c0_*.txt"))[0]
    text = first.read_text(encoding="utf-8")
    changed = text.replace(" said ", " stated ", 1)
    assert changed != text
    first.write_text(changed, encoding="utf-8")


class Site:
    """A fresh database file and the commands run against it."""

    def __init__(self, base: Path, name: str, **env):
        self.db = base / f"{name}.sqlite3"
        # A throwaway key unless one is set (DEBUG is off), and plain http: busy_db.py serves over it.
        self.env = {"SECRET_KEY": BENCH_SECRET_KEY, "NEWSDIFF_PLAIN_HTTP": "1", **os.environ,
                    "DATABASE_URL": f"sqlite:///{self.db}", "PYTHONUNBUFFERED": "1", **env}
        self.run("migrate", "--noinput", "-v", "0")

    def popen(self, *args, **env) -> subprocess.Popen:
        return subprocess.Popen([PY, "manage.py", *args], cwd=ROOT, env={**self.env, **env},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, *args, **env) -> subprocess.CompletedProcess:
        return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env={**self.env, **env},
                              capture_output=True, text=True)

    def sql(self, query: str, *params):
        with sqlite3.connect(self.db, timeout=60) as db:
            return db.execute(query, params).fetchall()

    def pairs(self) -> set:
        """The story's pairs, by (article file, passage position) of each side: ids change across databases."""
        rows = self.sql("""
            select aa.source, a.position, ab.source, b.position, p.relation from newsdiff_alignedpair p
            join newsdiff_passage a on a.id = p.a_id join newsdiff_article aa on aa.id = a.article_id
            join newsdiff_passage b on b.id = p.b_id join newsdiff_article ab on ab.id = b.article_id""")
        return {tuple(sorted([(r[0], r[1]), (r[2], r[3])])) for r in rows}

    def orphans(self) -> int:
        return self.sql("select count(*) from newsdiff_article a where not exists "
                        "(select 1 from newsdiff_passage p where p.article_id = a.id)")[0][0]

    def jobs(self):
        return self.sql("select id, status, substr(error, 1, 90) from newsdiff_alignmentjob order by id")


def kill_after(proc: subprocess.Popen, seconds: float) -> str:
    try:
        out, err = proc.communicate(timeout=seconds)
        return f"finished before the kill (exit {proc.returncode})"
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return "killed"


def clean_run(base: Path, story: Path):
    site = Site(base, "clean")
    start = time.perf_counter()
    site.run("ingest", str(story), "--no-align")
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    done = site.run("align", "biden-putin-2021-12-07")
    align_s = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return site.pairs(), ingest_s, align_s


def kill_align(base, story, clean, align_s):
    ok = 0
    fractions = (0.2, 0.4, 0.6, 0.8, 0.95)
    for i, fraction in enumerate(fractions):
        site = Site(base, f"ka{i}")
        site.run("ingest", str(story), "--no-align")
        outcome = kill_after(site.popen("align", "biden-putin-2021-12-07"), align_s * fraction)
        state = site.jobs()[-1][1]
        start = time.perf_counter()
        again = site.run("align", "biden-putin-2021-12-07")
        same = site.pairs() == clean
        ok += same and again.returncode == 0
        print(f"  kill-align at {fraction:.0%} ({outcome}; job left {state}): align again exit {again.returncode} "
              f"in {time.perf_counter() - start:.1f}s, {len(site.pairs())} pairs, equal to clean: {same}")
    print(f"kill-align: {ok}/{len(fractions)} re-runs equal a clean run")


def kill_ingest(base, story, clean, ingest_s, align_s):
    ok = 0
    total = ingest_s + align_s
    fractions = (0.1, 0.3, 0.5, 0.7, 0.9)
    for i, fraction in enumerate(fractions):
        site = Site(base, f"ki{i}")
        outcome = kill_after(site.popen("ingest", str(story)), total * fraction)
        articles = site.sql("select count(*) from newsdiff_article")[0][0]
        orphans = site.orphans()
        again = site.run("ingest", str(story))
        if again.returncode == 0 and "aligned" not in again.stdout:  # nothing changed: the dead job's story
            again = site.run("align", "biden-putin-2021-12-07")
        same = site.pairs() == clean
        ok += same and orphans == 0
        print(f"  kill-ingest at {fraction:.0%} ({outcome}): {articles} articles stored, {orphans} without passages;"
              f" again: exit {again.returncode}, equal to clean: {same}")
    print(f"kill-ingest: {ok}/{len(fractions)} with no article without passages and pairs equal a clean run")


def kill_worker(base, story, clean, align_s):
    ok = 0
    fractions = (0.3, 0.6, 0.9)
    env = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    for i, fraction in enumerate(fractions):
        site = Site(base, f"kw{i}", **env)
        queued = site.run("ingest", str(story))
        worker = site.popen("db_worker", "--batch")
        outcome = kill_after(worker, align_s * fraction + 3)  # + the worker's start
        state = site.jobs()[-1][1]
        again = site.run("align", "biden-putin-2021-12-07")
        same = site.pairs() == clean
        ok += same and site.orphans() == 0
        print(f"  kill-worker at {fraction:.0%} ({outcome}; ingest said {queued.stdout.splitlines()[-1]!r}; "
              f"job left {state}): align again exit {again.returncode}, equal to clean: {same}")
    print(f"kill-worker: {ok}/{len(fractions)} re-runs equal a clean run")


def race(base, story, races):
    changed = base / "changed"
    shutil.copytree(story, changed)
    change_one_article(changed)
    clean = Site(base, "race-clean")
    clean.run("ingest", str(changed))
    expected = clean.pairs()
    template = Site(base, "race-template")
    template.run("ingest", str(story))
    ok = tracebacks = 0
    for i in range(races * 2):
        order = ("align", "ingest") if i % 2 == 0 else ("ingest", "align")
        db = base / f"race{i}.sqlite3"
        shutil.copy(template.db, db)
        site = Site.__new__(Site)
        site.db, site.env = db, {**template.env, "DATABASE_URL": f"sqlite:///{db}"}
        commands = {"align": ("align", "biden-putin-2021-12-07"), "ingest": ("ingest", str(changed))}
        procs = {}
        for name in order:
            procs[name] = site.popen(*commands[name])
            time.sleep(random.Random(i).uniform(0, 1.5))
        outputs = {name: p.communicate() for name, p in procs.items()}
        traced = any("Traceback" in err for _, err in outputs.values())
        tracebacks += traced
        same = site.pairs() == expected
        ok += same and not traced
        said = outputs["ingest"][0].strip().splitlines()[-1:]
        align_said = (outputs["align"][0] + outputs["align"][1]).strip().splitlines()[-1:]
        print(f"  race {i + 1} ({' then '.join(order)}): align exit {procs['align'].returncode} {align_said}, "
              f"ingest exit {procs['ingest'].returncode} {said}; pairs {len(site.pairs())}/{len(expected)} "
              f"equal: {same}"
              + (" TRACEBACK" if traced else ""))
        if traced:
            print(outputs["align"][1][-2000:], outputs["ingest"][1][-2000:])
    print(f"race: {ok}/{races * 2} final pair sets equal a clean single run's; {tracebacks} tracebacks")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4, help="versions of each of the 5 seed articles")
    parser.add_argument("--races", type=int, default=20, help="race trials per order")
    parser.add_argument("--only", default="kill-align,kill-ingest,kill-worker,race")
    args = parser.parse_args()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        story = make_story(base / "story", args.copies)
        clean, ingest_s, align_s = clean_run(base, story)
        print(f"clean run on {5 * args.copies} articles: ingest {ingest_s:.1f}s, align {align_s:.1f}s, "
              f"{len(clean)} pairs")
        if "kill-align" in only:
            kill_align(base, story, clean, align_s)
        if "kill-ingest" in only:
            kill_ingest(base, story, clean, ingest_s, align_s)
        if "kill-worker" in only:
            kill_worker(base, story, clean, align_s)
        if "race" in only:
            race(base, story if args.copies == 1 else make_story(base / "race-story", 1), args.races)


if __name__ == "__main__":
    main()

"""What a story of N articles costs: ingest, encoding, alignment, one more article, and the pages.

    .venv/bin/python bench/scale.py 100                   # SQLite in a temporary folder
    .venv/bin/python bench/scale.py 1000 --skip-align     # ingest (and +1 article) only
    scripts/with_postgres.sh .venv/bin/python bench/scale.py 100 --postgres
    .venv/bin/python bench/scale.py 40 --workers 1 --skip-align   # encoding on one process

Builds an N-article story folder from the seed story's five articles (copy k is seed article
k mod 5; every copy after the first five drops about one long word in ten and swaps some
words for others, from a seeded random generator, so copies are near-duplicates, never
duplicates), each with its own file name, title ("Copy k: ...") and outlet ("Outlet 1" to
"Outlet 50", cycling, so coverage has many columns). Into a fresh database (SQLite in the
temporary folder, or with --postgres the one DATABASE_URL names, which must be empty) it then runs,
each step in a process of its own so that its peak memory is its own:

- ingest: `ingest_story` of the folder, encoding included (on NEWSDIFF_ENCODE_WORKERS processes,
  --workers), with encoding timed apart, and the cost per article;
- align: a full alignment job, its phase timings, candidate pairs (when the job records them)
  and pairs kept; the recall of blocked candidates against exhaustive scoring (N <= 100);
- +1 article: `ingest.add_article` of one more perturbed copy, then its alignment;
- pages: `make serve` (gunicorn, the production server) on that database, timed by
  bench/pages.py: the story page, a scrolled-in page, a drill-down of a hub passage, coverage and a
  coverage cell, `--requests` times each (the first request, then p50 and p95 of the whole
  response), and `export.json`: first byte, size, total time and the server's peak memory (all
  gunicorn processes) during the download.

The encoder's weights are loaded before each step's clock starts (a web or worker process keeps
them loaded). Peak RSS is the largest sum over a step's process tree (the ingest's encoder
processes included), sampled every 50 ms, and never below the kernel's own peak for the largest
single process; a step whose processes pass --max-rss (8 GiB) is stopped and reported. Nothing
touches the network but the local server this starts. Prints one table, a row as each figure comes.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"
OUTLETS = 50
RECALL_MAX_ARTICLES = 100  # exhaustive scoring, recall's reference, is quadratic: past this it does not finish
SWAPS = {"said": "stated", "talks": "discussions", "warned": "cautioned", "Tuesday": "Tues.", "would": "will",
         "meeting": "summit", "leaders": "presidents", "concerns": "worries", "military": "armed", "video": "virtual"}


# --- the story folder -------------------------------------------------------------------------------

def perturb(text: str, rng: random.Random) -> str:
    """bench/align.py's perturbation, with more words to swap."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from align import perturb as perturbed

    return perturbed(text, rng, SWAPS)


def copy_text(k: int, seeds: list[str], rng: random.Random) -> str:
    """Copy k: seed article k mod 5, its first line (the title) marked with k, the rest perturbed after k = 4.

    The mark leads the title: a trailing one would go with the site name cleaning strips ("... | Conflict News").
    """
    title, _, body = seeds[k % len(seeds)].partition("\n")
    return f"Copy {k}: {title.strip()}\n{body if k < len(seeds) else perturb(body, rng)}"


def build_story(n: int, folder: Path, seed: int = 7) -> tuple[str, Path]:
    """Write an n-article story folder and one more article beside it; return (slug, that article's path)."""
    rng = random.Random(seed)
    head = (SEED / "story.toml").read_text(encoding="utf-8").split("[[articles]]")[0]
    slug = f"scale-{n}"
    head = head.replace('slug = "biden-putin-2021-12-07"', f'slug = "{slug}"')
    head = head.replace('title = "Biden–Putin video call, 7 December 2021"', f'title = "Scale bench, {n} articles"')
    seeds = [(SEED / f).read_text(encoding="utf-8") for f in sorted(p.name for p in SEED.glob("*.txt"))]
    folder.mkdir(parents=True)
    entries = []
    for k in range(n):
        name = f"{k:05d}.txt"
        (folder / name).write_text(copy_text(k, seeds, rng), encoding="utf-8")
        entries.append(f'[[articles]]\nfile = "{name}"\noutlet = "Outlet {k % OUTLETS + 1}"\n')
    (folder / "story.toml").write_text(head + "\n".join(entries), encoding="utf-8")
    extra = folder.parent / "one-more.txt"
    extra.write_text(copy_text(n + 1 if n >= len(seeds) else len(seeds), seeds, rng), encoding="utf-8")
    return slug, extra


# --- steps, each run in a child process: `scale.py --step NAME ...` prints one JSON line ---------

def _django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _warm_encoder() -> float:
    from newsdiff.align import encoder

    start = time.perf_counter()
    encoder.default_model()
    return time.perf_counter() - start


def step_ingest(folder: str) -> dict:
    _django()
    from newsdiff.ingest import ingest_story
    from newsdiff.models import Passage, Story

    if Story.objects.exists():
        raise SystemExit("the database already holds stories: the bench needs an empty one")
    load = _warm_encoder()
    start = time.perf_counter()
    report = ingest_story(folder)
    seconds = time.perf_counter() - start
    return {"ingest_s": seconds, "encode_s": report.encode_seconds, "encoded": report.encoded,
            "workers": report.encode_workers, "summary": report.summary(), "model_load_s": load,
            "articles": len(report.results), "passages": Passage.objects.of_story(report.story).count(),
            "warnings": report.warnings[:3]}


def step_align(slug: str) -> dict:
    _django()
    from newsdiff.jobs import run_alignment, start_alignment
    from newsdiff.models import Story

    story = Story.objects.get(slug=slug)
    # No encoder warm-up here: with every passage encoded at ingest, `align` never loads the model, and its
    # weights would count in the aligning process's peak memory.
    start = time.perf_counter()
    job = run_alignment(start_alignment(story, enqueue=False, **_full_run()).pk)
    seconds = time.perf_counter() - start
    return {"align_s": seconds, "status": job.status, "error": job.error.splitlines()[0] if job.error else "",
            "timings": {k: v for k, v in job.timings.items() if isinstance(v, (int, float))},
            "candidates": _candidates(job), "pairs": story.pairs.count(), "exchanges": story.exchanges.count()}


def _full_run() -> dict:
    """start_alignment's argument for a full run (`align --full`), where the job API has one."""
    import inspect

    from newsdiff.jobs import start_alignment

    return {"full": True} if "full" in inspect.signature(start_alignment).parameters else {}


def _candidates(job) -> int | None:
    """Candidate pairs the job scored, where the job records them (in its timings or a field of its own)."""
    for value in (job.timings.get("candidates"), job.timings.get("candidate_pairs"),
                  getattr(job, "candidates", None), getattr(job, "candidate_pairs", None)):
        if isinstance(value, int):
            return value
    return None


def step_recall(slug: str) -> dict:
    _django()
    from newsdiff.models import Story

    return {"recall": _blocking_recall(Story.objects.get(slug=slug))}


def _blocking_recall(story) -> float | None:
    """Share of the pairs exhaustive scoring keeps (every pair that shares a term is a candidate) that the
    blocked candidates also keep: `jobs.score_story` both ways, nothing written."""
    from newsdiff.jobs import score_story

    blocked, _ = score_story(story)
    every, _ = score_story(story, lexical_candidates=10**9)
    kept = set(zip(every.a.tolist(), every.b.tolist()))
    return len(kept & set(zip(blocked.a.tolist(), blocked.b.tolist()))) / len(kept) if kept else None


def step_add(slug: str, path: str, align: str = "align") -> dict:
    _django()
    from newsdiff.ingest import add_article
    from newsdiff.models import Story

    story = Story.objects.get(slug=slug)
    _warm_encoder()
    start = time.perf_counter()
    report = add_article(story, "one-more.txt", Path(path).read_bytes(), outlet=f"Outlet {OUTLETS + 1}")
    ingest_s = time.perf_counter() - start
    [result] = report.results
    start = time.perf_counter()
    if align != "align":  # --skip-align: the ingest alone
        mode, status = "skipped", ""
    else:
        mode, status = _align_one_more(story, result.article_id) if result.article_id else ("none", "no article")
    return {"add_ingest_s": ingest_s, "add_align_s": time.perf_counter() - start, "outcome": result.outcome,
            "message": result.message, "encoded": report.encoded, "encode_s": report.encode_seconds, "align_mode": mode, "align_status": status}


def _align_one_more(story, article_id: int) -> tuple[str, str]:
    """Align the story after one article was added, as an upload does; return (mode, job status).

    The job decides how: an incremental run of the new article where the aligner offers one (its
    `parameters["mode"]` says "incremental"), else the full alignment, and the table says which.
    """
    from newsdiff.jobs import run_alignment, start_alignment

    job = run_alignment(start_alignment(story, enqueue=False).pk)
    return job.parameters.get("mode", "full"), job.status


STEPS = {"ingest": step_ingest, "align": step_align, "recall": step_recall, "add": step_add}


# --- measuring child processes ----------------------------------------------------------------------

def _tree_rss(root_pid: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc (0 when it is gone)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1] is the parent's pid
        rss[pid] = int(fields[21]) * page  # fields[21] is rss in pages
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


class PeakRSS:
    """Samples a process tree's summed RSS in a thread until stopped; `peak` in bytes."""

    def __init__(self, pid: int, every: float = 0.05, limit: int | None = None):
        """With `limit` (bytes), a tree that passes it is killed (its process group): a shared machine's
        memory is not the bench's to exhaust. `over` then says so."""
        self.pid, self.every, self.limit, self.peak, self.over = pid, every, limit, 0, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            if self.limit and self.peak > self.limit and not self.over:
                self.over = True
                os.killpg(self.pid, signal.SIGKILL)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class StepFailed(Exception):
    """A step's process failed or was stopped; the message says which, when and how big it was."""


MAX_RSS = 8 * 2**30  # a step whose processes pass this is stopped (--max-rss)


def run_step(name: str, args: list[str], env: dict) -> dict:
    """Run `scale.py --step name args` in a child process; its JSON, plus its wall time, CPU and peak RSS.

    Raises StepFailed when it fails or passes MAX_RSS (then it is killed, with its encoder processes)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--step", name, *args], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, start_new_session=True)
    sampler = PeakRSS(child.pid, limit=MAX_RSS)
    reader = threading.Thread(target=lambda: setattr(child, "output", child.stdout.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    sampled = sampler.stop()
    reader.join()
    seconds = time.perf_counter() - start
    if sampler.over:
        raise StepFailed(f"stopped after {seconds:.0f} s: its processes passed {mib(MAX_RSS)} (--max-rss)")
    if child.returncode != 0:
        raise StepFailed(f"failed after {seconds:.0f} s (exit {child.returncode}, peak RSS {mib(sampled)})")
    out = json.loads(child.output.strip().splitlines()[-1])
    out["process_s"] = time.perf_counter() - start
    out["cpu_s"] = usage.ru_utime + usage.ru_stime  # its own and its reaped children's (the encoder pool)
    out["peak_rss"] = max(sampled, usage.ru_maxrss * 1024)  # ru_maxrss is in KiB on Linux
    return out


# --- the pages, through gunicorn --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_time(env: dict, tmp: Path, slug: str, requests: int, table: Table) -> None:
    """Run `make serve` (gunicorn, 2 workers) on the bench's database, time the pages with bench/pages.py's
    `time_pages` and `export_first_byte` (the server's memory sampled during the download), stop it."""
    pages = _pages_bench()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    venv = Path(sys.executable).parent.parent
    log = (tmp / "serve.log").open("w")
    # STAMP= skips the Makefile's install step (this interpreter already has everything).
    server = subprocess.Popen(["make", "--no-print-directory", "serve", "STAMP=", f"PY={sys.executable}",
                               f"VENV={venv}", f"HOST=127.0.0.1:{port}", "WORKERS=2"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("make serve did not come up:\n" + (tmp / "serve.log").read_text()[-2000:])
            time.sleep(0.3)
        report_pages(table, pages.time_pages(base, slug, requests), requests)
        try:
            export = pages.export_first_byte(base, slug, server_pid=server.pid)
        except (OSError, http.client.HTTPException) as e:  # a download cut short is a figure too
            table.add("export.json", f"FAILED: {type(e).__name__}: {e} (server log: {tmp / 'serve.log'})")
        else:
            table.add("export.json", f"first byte {export['first_byte_s']} s, all {export['total_s']} s, "
                                     f"{export['mb']} MiB")
            table.add("  server RSS", f"{export['server_rss_before_mb']} MiB before, {export['server_rss_peak_mb']} "
                                      f"MiB peak during the download (gunicorn, all processes)")
    finally:
        pages.stop(server)
        log.close()


def _pages_bench():
    """bench/pages.py, the pages' own bench (bench/ is no package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the table ---------------------------------------------------------------------------------------

def mib(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:,.0f} MiB"


def secs(x: float | None) -> str:
    return "n/a" if x is None else (f"{x:.3f} s" if x < 10 else f"{x:.1f} s")


class Table:
    """The bench's table, printed a row at a time: a step that fails or is stopped loses no earlier figure."""

    WIDTH = 22

    def add(self, label: str, value: str) -> None:
        print(f"{label:<{self.WIDTH}}  {value}", flush=True)


def main() -> None:
    global MAX_RSS  # run_step reads it; --max-rss sets it once, before any step
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="articles in the story")
    parser.add_argument("--postgres", action="store_true", help="use the (empty) database DATABASE_URL names")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (database, story, server log)")
    parser.add_argument("--workers", type=int, help="encoding processes at ingest (NEWSDIFF_ENCODE_WORKERS; "
                                                    "default one per CPU)")
    parser.add_argument("--skip-align", action="store_true", help="ingest and add one article; no alignment, "
                                                                  "no pages")
    parser.add_argument("--skip-pages", action="store_true", help="do not serve and time the pages")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--seed", type=int, default=7, help="the perturbations' random seed")
    parser.add_argument("--max-rss", type=float, default=MAX_RSS / 2**30,
                        help="GiB a step's processes may hold before it is stopped (default %(default)s)")
    args = parser.parse_args()
    MAX_RSS = int(args.max_rss * 2**30)
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            parser.error(f"--keep {args.keep}: not an empty folder")
        args.keep.mkdir(parents=True, exist_ok=True)
    tmp = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="newsdiff-scale-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TASKS_BACKEND", "NEWSDIFF_ENCODE_WORKERS"}}
    if args.postgres:
        if not env.get("DATABASE_URL", "").startswith("postgres"):
            parser.error("--postgres needs DATABASE_URL=postgres://... (scripts/with_postgres.sh sets one)")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp}/db.sqlite3"
    env.update(SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="newsdiff.settings",
               NEWSDIFF_PLAIN_HTTP="1", STATIC_ROOT=str(tmp / "static"), PYTHONPATH=str(ROOT))
    if args.workers:
        env["NEWSDIFF_ENCODE_WORKERS"] = str(args.workers)
    try:
        run(args, tmp, env, Table())
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path, env: dict, table: Table) -> None:
    n = args.n
    database = "PostgreSQL" if args.postgres else "SQLite"
    start = time.perf_counter()
    slug, extra = build_story(n, tmp / "story", args.seed)
    table.add("story", f"{n} articles, {database}, built in {time.perf_counter() - start:.1f} s")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    try:
        ingest = run_step("ingest", [str(tmp / "story")], env)
    except StepFailed as e:
        table.add("ingest", f"FAILED: {e}")
        return
    table.add("ingest", f"{secs(ingest['ingest_s'])} ({ingest['summary']}; {ingest['passages']:,} passages)")
    table.add("  per article", f"{1000 * ingest['ingest_s'] / n:.0f} ms (encoding {1000 * ingest['encode_s'] / n:.0f} ms)")
    table.add("encode", f"{secs(ingest['encode_s'])} ({ingest['encoded']:,} texts on {ingest['workers']} processes; "
                        f"{1000 * ingest['encode_s'] / max(ingest['encoded'], 1):.1f} ms a text)")
    table.add("ingest peak RSS", f"{mib(ingest['peak_rss'])} (all processes)")
    table.add("ingest CPU", f"{secs(ingest['cpu_s'])} (all processes: steadier than wall time on a shared machine)")
    for warning in ingest["warnings"]:
        table.add("  warning", warning[:120])
    align = None
    if not args.skip_align:
        try:
            align = run_step("align", [slug], env)
        except StepFailed as e:
            table.add("align", f"FAILED: {e}")
        else:
            error = f": {align['error']}" if align["error"] else ""
            table.add("align", f"{secs(align['align_s'])} ({align['status']}{error})")
            table.add("  phases (s)", ", ".join(f"{k} {v:.1f}" for k, v in align["timings"].items()))
            table.add("align peak RSS", mib(align["peak_rss"]))
            table.add("align CPU", secs(align["cpu_s"]))
            table.add("candidate pairs", "n/a" if align["candidates"] is None else f"{align['candidates']:,}")
            table.add("pairs kept", f"{align['pairs']:,} ({align['exchanges']:,} exchanges)")
            recall = run_step("recall", [slug], env)["recall"] if n <= RECALL_MAX_ARTICLES else None
            table.add("blocking recall", "n/a" if recall is None else f"{100 * recall:.2f} %")
    try:
        add = run_step("add", [slug, str(extra), "skip" if args.skip_align else "align"], env)
    except StepFailed as e:
        table.add("+1 article", f"FAILED: {e}")
    else:
        table.add("+1 article ingest", f"{secs(add['add_ingest_s'])} ({add['outcome']}: {add['message']}; "
                                       f"encoding {secs(add['encode_s'])}; peak RSS {mib(add['peak_rss'])})")
        if not args.skip_align:
            table.add("+1 article align", f"{secs(add['add_align_s'])} ({add['align_mode']}, {add['align_status']})")
            table.add("+1 article total", secs(add["add_ingest_s"] + add["add_align_s"]))
    if align is None or args.skip_pages:
        return
    serve_and_time(env, tmp, slug, args.requests, table)


def report_pages(table: Table, timed: dict, requests: int) -> None:
    for label, t in timed.items():
        table.add(label, f"first {t['first_ms']} ms, p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms "
                         f"({requests}x; {t['kb']:,} KiB, HTTP {t['status']})")


if __name__ == "__main__":  # the encoder's pool re-imports this module in its workers: nothing runs on import
    if len(sys.argv) > 2 and sys.argv[1] == "--step":
        print(json.dumps(STEPS[sys.argv[2]](*sys.argv[3:])))
    else:
        main()

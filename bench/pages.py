"""How fast the researcher's pages and exports answer for a big story, served by gunicorn.

    .venv/bin/python bench/pages.py 1000            # a 1,000-article story: ~41,000 passages, ~300,000 pairs
    .venv/bin/python bench/pages.py 1000 --keep /tmp/pages   # keep (and reuse) the database there
    .venv/bin/python bench/pages.py 50 -n 20        # 20 requests per page
    scripts/with_postgres.sh .venv/bin/python bench/pages.py 1000 --postgres   # on its DATABASE_URL

Builds a synthetic story straight into a throwaway SQLite database (no ingest, no alignment: rows
written with bulk_create): N articles over 50 outlets, ~41 passages each, in 15 exchanges, each
passage a seeded random wording of one of 60 claim templates, and ~7 aligned pairs per passage
between wordings of the same template in other articles (scores 0.3-1.0); one passage per
template in the first article is a hub aligned to up to 400 others, as a widely quoted readout
sentence is. Then serves the database with gunicorn (2 workers, DEBUG off) and prints, for the
story page, a scrolled-in page of exchanges, a drill-down of a hub passage, the coverage page and
a coverage cell: the first (cold) request and p50/p95 of `n` more; for export.json, export.csv and
passages.csv: first byte, total time, bytes and the server's peak RSS during the download.

`time_pages(base_url, slug, n)` and `export_first_byte(base_url, slug, ...)` are the timing functions
bench/scale.py imports; they only speak HTTP.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
N_OUTLETS = 50
N_EXCHANGES = 15
N_TEMPLATES = 60
PASSAGES_PER_ARTICLE = 41
PAIRS_PER_PASSAGE = 7
HUB_PAIRS = 400

# Words the synthetic sentences are drawn from (made up here: no article text is copied).
WORDS = ("minister envoy summit talks border security guarantees alliance treaty troops sanctions trade "
         "energy pipeline grain exports ceasefire dialogue cooperation stability region partners leaders "
         "call hours readout statement concerns interests proposals agreement meeting officials delegation "
         "expansion withdrawal escalation diplomacy channels consultations economy climate cyber nuclear "
         "arms control inspection verification mediation corridor reconstruction aid humanitarian").split()
VERBS = "said stressed warned urged noted agreed discussed proposed rejected welcomed".split()


def _template(rng: random.Random) -> list[str]:
    return (["The", rng.choice(WORDS), rng.choice(VERBS), "that", "the"]
            + [rng.choice(WORDS) for _ in range(rng.randint(8, 18))])


def _wording(template: list[str], rng: random.Random) -> str:
    words = list(template)
    for _ in range(rng.randint(0, 2)):  # an outlet's few changed words
        words[rng.randrange(5, len(words))] = rng.choice(WORDS)
    return " ".join(words) + "."


def build(n_articles: int, slug: str = "big", seed: int = 13) -> dict:
    """Write the synthetic story into the configured database (django set up); returns its counts."""
    from django.db import transaction

    from newsdiff.models import AlignedPair, Article, Exchange, Outlet, Passage, Story, Voice

    rng = random.Random(seed)
    templates = [_template(rng) for _ in range(N_TEMPLATES)]
    with transaction.atomic():
        story = Story.objects.create(slug=slug, title=f"A summit in {n_articles} articles")
        voices = [Voice.objects.create(story=story, slug=s, name=name, position=n, is_default=(s == "press"))
                  for n, (s, name) in enumerate([("east", "East"), ("west", "West"), ("press", "Press")])]
        exchanges = Exchange.objects.bulk_create(
            [Exchange(story=story, title=f"topic {n}: {WORDS[n]} · {WORDS[n + 20]}", position=n)
             for n in range(N_EXCHANGES)])
        outlets = [Outlet.objects.get_or_create(name=f"Outlet {n:02d}")[0] for n in range(N_OUTLETS)]
        articles, passages, template_of = [], [], []
        for a in range(n_articles):
            chosen = sorted(rng.sample(range(N_TEMPLATES), PASSAGES_PER_ARTICLE))
            texts = [_wording(templates[t], rng) for t in chosen]
            body = " ".join(texts)
            article = Article(story=story, outlet=outlets[a % N_OUTLETS], source=f"{a:05d}.txt",
                              title=f"Report {a} on the summit", raw_text=body, body=body,
                              content_hash=f"{slug}-{a}")
            articles.append(article)
            start = 0
            for position, (t, text) in enumerate(zip(chosen, texts)):
                passages.append(Passage(article=article, position=position, paragraph=position // 4, start=start,
                                        end=start + len(text), text=text, voice=voices[t % 3],
                                        exchange=exchanges[t % N_EXCHANGES]))
                template_of.append(t)
                start += len(text) + 1
        Article.objects.bulk_create(articles, batch_size=500)
        for p in passages:
            p.article_id = p.article.pk
        Passage.objects.bulk_create(passages, batch_size=2000)
        by_template: dict[int, list[Passage]] = {}
        for p, t in zip(passages, template_of):
            by_template.setdefault(t, []).append(p)
        seen: set[tuple[int, int]] = set()
        pairs = []

        def pair(x: Passage, y: Passage):
            a, b = sorted((x.pk, y.pk))
            if x.article_id != y.article_id and (a, b) not in seen:
                seen.add((a, b))
                pairs.append(AlignedPair(story=story, a_id=a, b_id=b, score=round(rng.uniform(0.3, 1.0), 4),
                                         method="synthetic"))

        for members in by_template.values():
            for hub in members[1:HUB_PAIRS + 1]:
                pair(members[0], hub)  # the first article's wording: a hub
            for x in members:
                for y in rng.sample(members, min(PAIRS_PER_PASSAGE, len(members))):
                    pair(x, y)
        AlignedPair.objects.bulk_create(pairs, batch_size=5000)
    return {"articles": len(articles), "passages": len(passages), "pairs": len(pairs)}


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _timed(url: str, n: int, headers: dict | None = None) -> dict:
    """The first request (cold) and p50/p95 of `n` more, in ms, with the status and size of the last."""
    started = time.perf_counter()
    status, body = _get(url, headers)
    first = time.perf_counter() - started
    times = []
    for _ in range(n):
        started = time.perf_counter()
        status, body = _get(url, headers)
        times.append(time.perf_counter() - started)
    times.sort()
    return {"first_ms": round(1000 * first), "p50_ms": round(1000 * statistics.median(times)),
            "p95_ms": round(1000 * times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]),
            "status": status, "kb": round(len(body) / 1024)}


def time_pages(base_url: str, slug: str, n: int = 50) -> dict:
    """Time the story page, a scrolled-in page of exchanges (htmx), a drill-down of the story page's first
    wording (the hub of its widest claim), the coverage page and a coverage cell: per page, the first
    request and p50/p95 of `n` more (ms), its status and size (KB)."""
    story = f"{base_url}/stories/{slug}/"
    results = {"story page": _timed(story, n)}
    html = _get(story)[1].decode()
    results["scrolled-in page 2"] = _timed(f"{story}?page=2", n, {"HX-Request": "true"})
    hub = re.search(r'data-passage="(\d+)"', html)
    if hub:
        results["drill-down (hub)"] = _timed(f"{story}passages/{hub.group(1)}/", n)
    results["coverage"] = _timed(f"{story}coverage/", n)
    coverage = _get(f"{story}coverage/")[1].decode()
    cell = re.search(r'href="(/stories/[^"]+/coverage/\d+/\d+/)"', coverage)
    if cell:
        results["coverage cell"] = _timed(base_url + cell.group(1), n, {"HX-Request": "true"})
    return results


def _rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _process_tree(pid: int) -> list[int]:
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        pids += map(int, children)
        frontier += map(int, children)
    return pids


def export_first_byte(base_url: str, slug: str, path: str = "export.json", server_pid: int | None = None) -> dict:
    """Download one export: seconds to the first byte and in all, bytes; with `server_pid`, the server's
    RSS (that process and its children, MB) before and at its peak during the download."""
    peak, before, done = [0], 0, threading.Event()
    if server_pid:
        before = _rss_kb(_process_tree(server_pid))

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], _rss_kb(_process_tree(server_pid)))
                time.sleep(0.02)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    started = time.perf_counter()
    size = 0
    with urllib.request.urlopen(f"{base_url}/stories/{slug}/{path}", timeout=600) as response:
        chunk = response.read(1)
        first = time.perf_counter() - started
        while chunk:
            size += len(chunk)
            chunk = response.read(1 << 16)
    total = time.perf_counter() - started
    done.set()
    result = {"first_byte_s": round(first, 3), "total_s": round(total, 2), "mb": round(size / 2**20, 1)}
    if server_pid:
        result.update(server_rss_before_mb=round(before / 1024), server_rss_peak_mb=round(peak[0] / 1024))
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, workers: int = 2, database_url: str = ""):
    """Start gunicorn on the database (the SQLite file `db`, or `database_url`; DEBUG off, static files
    collected in `db`'s folder); returns (process, base URL)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "TASKS_BACKEND"}}
    env.update(DATABASE_URL=database_url or f"sqlite:///{db}", STATIC_ROOT=str(db.parent / "static"),
               NEWSDIFF_PLAIN_HTTP="1",
               SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="newsdiff.settings")
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = _free_port()
    log = (db.parent / "gunicorn.log").open("w")
    server = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "newsdiff.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers), "--timeout", "600"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(f"{base}/healthz")[0] == 200:
                return server, base
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("gunicorn did not come up:\n" + (db.parent / "gunicorn.log").read_text())
        time.sleep(0.3)


def stop(server) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("-n", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--keep", type=Path, help="folder of the database: kept, and reused when it exists")
    parser.add_argument("--postgres", action="store_true", help="use the database of DATABASE_URL (PostgreSQL)")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "") if args.postgres else ""
    if args.postgres and not database_url.startswith("postgres"):
        raise SystemExit("--postgres needs DATABASE_URL: scripts/with_postgres.sh .venv/bin/python bench/pages.py N --postgres")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "db.sqlite3"
    slug = f"big-{args.articles}"
    os.environ.update(DATABASE_URL=database_url or f"sqlite:///{db}", DJANGO_SETTINGS_MODULE="newsdiff.settings",
                      DEBUG="1")
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    from django.core.management import call_command

    from newsdiff.models import Story
    call_command("migrate", verbosity=0)
    if not Story.objects.filter(slug=slug).exists():
        started = time.perf_counter()
        counts = build(args.articles, slug)
        print(f"built {counts} in {time.perf_counter() - started:.0f} s")
    from django.db import connections
    connections.close_all()
    server, base = serve(db, database_url=database_url)
    print(f"serving {'PostgreSQL' if database_url else 'SQLite'} with gunicorn (2 workers) at {base}")
    try:
        print(f"{'page':<22}{'first ms':>10}{'p50 ms':>9}{'p95 ms':>9}{'KB':>8}  status")
        for page, r in time_pages(base, slug, args.n).items():
            print(f"{page:<22}{r['first_ms']:>10}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['kb']:>8}  {r['status']}")
        for path in ("export.json", "export.csv", "passages.csv"):
            print(path, export_first_byte(base, slug, path, server_pid=server.pid))
    finally:
        stop(server)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

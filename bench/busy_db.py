"""While `align` writes a big story, editors on another story get answers: 200/302, or 503, never 500.

    .venv/bin/python bench/busy_db.py [--copies 20]     # a story of 5 x 20 = 100 articles
    SQLITE_BUSY_TIMEOUT=1 .venv/bin/python bench/busy_db.py   # a timeout the write outlasts: 503s

On a fresh SQLite file: ingest and align the seed story (the "other" story),
make an editor, ingest a big story (perturbed copies of the seed articles, as
bench/align.py makes them) without aligning it, serve the site with
`runserver` (DEBUG off), then run `align` on the big story while a client
logs in to the admin and tags pairs of the other story over and over. Prints
the alignment's phase timings (the write phase holds SQLite's write lock),
and the status codes and slowest answers of the requests, all of them and
those that overlapped the write phase.
"""
import argparse
import http.cookiejar
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jobs_recovery import PY, ROOT, SEED, Site, make_story  # noqa: E402

PASSWORD = "bench-only-password-8431"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> int:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, body, headers), timeout=120) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            e.read()
            return e.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        site = Site(base, "busy", DEBUG="false", ALLOWED_HOSTS="127.0.0.1")
        site.run("ingest", str(SEED))
        site.run("make_editor", "ed", "--noinput", NEWSDIFF_EDITOR_PASSWORD=PASSWORD)
        big = make_story(base / "big", args.copies, slug="big-story")
        start = time.perf_counter()
        site.run("ingest", str(big), "--no-align")
        print(f"ingested {5 * args.copies} articles in {time.perf_counter() - start:.0f}s")
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=site.env, check=True)
        pair_ids = site.sql("select p.id, p.a_id from newsdiff_alignedpair p join newsdiff_story s on s.id = p.story_id "
                            "where s.slug = 'biden-putin-2021-12-07' order by p.id limit 50")
        port = free_port()
        server_log = base / "server.log"  # a file, not a pipe: a full pipe would stall the server's log writes
        server = subprocess.Popen([PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT,
                                  env=site.env, stdout=subprocess.DEVNULL, stderr=server_log.open("w"))
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        results = []  # (kind, status, started, ended) in UTC epoch seconds
        align = subprocess.Popen([PY, "manage.py", "align", "big-story"], cwd=ROOT, env=site.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        def logins():  # a new editor logging in, again and again
            while align.poll() is None:
                browser, started = Browser(url), time.time()
                browser.request("/admin/login/")
                status = browser.request("/admin/login/", {"username": "ed", "password": PASSWORD, "next": "/admin/"})
                results.append(("login", status, started, time.time()))

        def tags():  # a logged-in editor confirming and rejecting pairs of the other story
            browser = Browser(url)
            browser.request("/admin/login/")
            browser.request("/admin/login/", {"username": "ed", "password": PASSWORD, "next": "/admin/"})
            i = 0
            while align.poll() is None:
                pair_id, a_id = pair_ids[i % len(pair_ids)]
                i += 1
                started = time.time()
                status = browser.request(f"/stories/biden-putin-2021-12-07/pairs/{pair_id}/tag/",
                                         {"status": ("confirmed", "rejected")[i // len(pair_ids) % 2],  # a change each time
                                          "viewed_from": a_id})
                results.append(("tag", status, started, time.time()))

        clients = [threading.Thread(target=logins), threading.Thread(target=tags)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        out, err = align.communicate()
        server.terminate()
        server.wait()
        server_err = server_log.read_text()
        print("align:", out.strip().splitlines()[-1] if out.strip() else err.strip()[-300:])
        finished, timings = site.sql("select finished_at, timings from newsdiff_alignmentjob j join newsdiff_story s "
                                     "on s.id = j.story_id where s.slug = 'big-story'")[-1]
        import json

        write = json.loads(timings).get("write", 0)
        end = datetime.fromisoformat(finished).replace(tzinfo=timezone.utc).timestamp()
        window = (end - write - 0.5, end + 0.5)
        print(f"write phase {write:.2f}s")
        for label, rows in (("all", results),
                            ("during the write phase", [r for r in results if r[2] < window[1] and r[3] > window[0]])):
            for kind in ("login", "tag"):
                mine = [r for r in rows if r[0] == kind]
                if not mine:
                    print(f"  {label}: no {kind} request")
                    continue
                codes = Counter(r[1] for r in mine)
                waits = [r[3] - r[2] for r in mine]
                print(f"  {label}: {len(mine)} {kind} requests, status {dict(sorted(codes.items()))}, "
                      f"median {statistics.median(waits):.2f}s, slowest {max(waits):.2f}s")
        n500 = sum(1 for r in results if r[1] >= 500 and r[1] != 503)
        print(f"500s: {n500}; tracebacks in the server log: {server_err.count('Traceback')}")


if __name__ == "__main__":
    main()

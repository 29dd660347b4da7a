"""`make serve` serves the demo through gunicorn: every researcher page answers, with its CSP, through it.

The test builds a demo database in a temporary folder (migrate, the seed fixture, an alignment), runs
`make serve` on a free loopback port with that database (the Makefile's own gunicorn command, after its
migrate and collectstatic), requests each page over HTTP and stops the server.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLUG = "biden-putin-2021-12-07"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "TASKS_BACKEND"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3", STATIC_ROOT=str(tmp / "static"),
               SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="newsdiff.settings")
    env.pop("NEWSDIFF_PLAIN_HTTP", None)  # make serve sets it: the demo is served over plain http

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    manage("migrate", "-v0")
    manage("loaddata", "biden_putin_2021", "-v0")
    manage("align", SLUG)
    venv = Path(sys.executable).parent.parent
    log = (tmp / "serve.log").open("w")
    # STAMP= skips the Makefile's install step (this interpreter already has everything).
    server = subprocess.Popen(["make", "--no-print-directory", "serve", "STAMP=", f"PY={sys.executable}",
                               f"VENV={venv}", f"HOST=127.0.0.1:{port}", "WORKERS=1"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("make serve did not come up:\n" + (tmp / "serve.log").read_text())
            time.sleep(0.3)
        yield base, tmp / "serve.log"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_every_researcher_page_answers_through_gunicorn_with_its_csp(served):
    base, log = served
    status, _, body = get(f"{base}/stories/{SLUG}/export.json")
    assert status == 200
    export = json.loads(body)
    article_id = export["articles"][0]["id"]
    passage_id = export["passages"][0]["id"]
    page = get(f"{base}/stories/{SLUG}/")[2]
    pages = ["/", f"/stories/{SLUG}/", f"/stories/{SLUG}/?voice=kremlin&min_score=0.5&by=outlet",
             f"/stories/{SLUG}/coverage/", f"/stories/{SLUG}/articles/{article_id}/",
             f"/stories/{SLUG}/passages/{passage_id}/", f"/stories/{SLUG}/job/"]
    for path in pages:
        status, headers, body = get(base + path)
        assert status == 200, (path, status)
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert b"<html" in body or path.endswith("/job/"), path
    for path, kind in ((f"/stories/{SLUG}/export.json", "application/json"), (f"/stories/{SLUG}/export.csv", "text/csv")):
        status, headers, _ = get(base + path)
        assert status == 200 and headers["Content-Type"].startswith(kind), path
    assert get(f"{base}/healthz")[2] == b"ok\n"
    # The stylesheet and scripts the pages link: hashed names from collectstatic, served by whitenoise.
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', page)
    assert any(a.endswith(b".css") for a in assets) and any(a.endswith(b".js") for a in assets)
    for asset in assets:
        status, headers, _ = get(base + asset.decode())
        assert status == 200 and "max-age=315360000" in headers.get("Cache-Control", ""), asset
    # gunicorn's access log goes to stdout
    assert f'"GET /stories/{SLUG}/coverage/ HTTP/1.1" 200' in log.read_text()

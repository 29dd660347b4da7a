"""manage.py add_article STORY URL: a page served by a local server started here (never the
internet) is stored as an .html file would be; each way a fetch fails gives one clear error,
a non-zero exit, and stores nothing."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsdiff.fetch import FetchError, fetch_page, source_name
from newsdiff.ingest import ingest_story
from newsdiff.models import AlignmentJob, Article, Passage

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "data" / "pages"
PAGE = (PAGES / "velaria-ostrana.html").read_bytes()
PLAIN = (PAGES / "velaria-ostrana.txt").read_text(encoding="utf-8")
BIG = 20 * 1024 * 1024
SLOW = 3.0  # seconds the slow page waits before answering; the tests give up after 0.5 s


class Site(BaseHTTPRequestHandler):
    """A news site: /article is the page; the other paths each fail in one way."""

    sent: dict = {}

    def do_GET(self):  # noqa: N802 (the standard library's name)
        route = {
            "/article": lambda: self._answer(200, "text/html; charset=utf-8", PAGE),
            "/moved": lambda: self._redirect("/article"),
            "/loop": lambda: self._redirect("/loop"),
            "/to-ftp": lambda: self._redirect("ftp://127.0.0.1/a.html"),
            "/data.json": lambda: self._answer(200, "application/json", b'{"title": "Talks"}'),
            "/slow": self._slow,
            "/huge": lambda: self._huge(declare_length=True),
            "/huge-streamed": lambda: self._huge(declare_length=False),
        }.get(self.path.split("?")[0])
        if route is None:
            self._answer(404, "text/html", b"<html><body><h1>Not found</h1></body></html>")
        else:
            route()

    def _answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to):
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _slow(self):
        time.sleep(SLOW)
        try:
            self._answer(200, "text/html", PAGE)
        except OSError:
            pass  # the client gave up long ago

    def _huge(self, declare_length):
        """A 20 MB page; counts what it managed to send before the client hung up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if declare_length:
            self.send_header("Content-Length", str(BIG))
        self.end_headers()
        chunk, sent = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n", 0
        try:
            while sent < BIG:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        finally:
            Site.sent[self.path] = sent

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def _local_addresses_allowed(settings):
    settings.NEWSDIFF_FETCH_PRIVATE = True  # the test's server is on 127.0.0.1


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Site.sent = {}
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def story(make_story):
    """A story with one article already in it (a wire copy of the same talks)."""
    return ingest_story(make_story({"wire.txt": PLAIN.replace("Daily Planet", "Lisk Herald")})).story


def test_a_page_is_added_as_an_html_file_would_be_and_the_story_is_aligned(site, story, capsys):
    call_command("add_article", story.slug, f"{site}/article")
    article = Article.objects.get(story=story, source=source_name(f"{site}/article"))
    assert article.raw_text == PAGE.decode()
    assert (article.outlet.name, article.author, str(article.published)) == ("Daily Planet", "Mara Quell", "2024-03-02")
    assert article.url == f"{site}/article"  # the address given, not the one the page claims
    wire = Article.objects.get(source="wire.txt")
    assert list(article.passages.values_list("text", flat=True)) == list(wire.passages.values_list("text", flat=True))
    out = capsys.readouterr().out
    assert "created" in out and "aligned:" in out
    assert story.jobs.get().status == AlignmentJob.Status.SUCCEEDED


def test_adding_the_same_address_again_changes_nothing(site, story, capsys):
    call_command("add_article", story.slug, f"{site}/article")
    before = list(Passage.objects.values_list("pk", "text"))
    call_command("add_article", story.slug, f"{site}/article")
    assert "unchanged" in capsys.readouterr().out
    assert list(Passage.objects.values_list("pk", "text")) == before
    assert story.jobs.count() == 1  # nothing changed: no second alignment


def test_the_outlet_given_wins_and_a_redirect_is_followed(site, story):
    call_command("add_article", story.slug, f"{site}/moved", outlet="Planet Wire", no_align=True)
    assert Article.objects.get(source=source_name(f"{site}/moved")).outlet.name == "Planet Wire"


@pytest.mark.parametrize("path, error", [
    ("/missing", "the server answered HTTP 404 Not Found"),
    ("/slow", "no answer within 0.5 s"),
    ("/data.json", "not a web page: the server says its content type is 'application/json'"),
    ("/huge", "page too large: 20,971,520 bytes (the limit is 2,097,152)"),
    ("/huge-streamed", "page too large: more than 2,097,152 bytes (the limit)"),
    ("/loop", "too many redirects (more than 5)"),
    ("/to-ftp", "which is not an http or https address"),
])
def test_each_failure_gives_one_clear_error_and_stores_nothing(site, story, path, error):
    before = list(Article.objects.values_list("pk", "updated_at"))
    with pytest.raises(CommandError) as raised:
        call_command("add_article", story.slug, f"{site}{path}", timeout=0.5)
    assert str(raised.value).startswith(f"nothing stored: {site}{path}: ")
    assert error in str(raised.value)
    assert list(Article.objects.values_list("pk", "updated_at")) == before
    assert not story.jobs.exists()


def test_a_20_mb_page_is_refused_without_being_read_whole(site):
    with pytest.raises(FetchError, match="page too large"):
        fetch_page(f"{site}/huge-streamed", max_bytes=2 * 1024 * 1024, allow_private=True)
    deadline = time.monotonic() + 5
    while "/huge-streamed" not in Site.sent and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the hang-up on its next write
    assert Site.sent["/huge-streamed"] < BIG


def test_the_command_exits_non_zero_with_one_line(site, story, capsys):
    from newsdiff.management.commands.add_article import Command

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "add_article", story.slug, f"{site}/missing"])
    assert exited.value.code != 0
    assert capsys.readouterr().err.strip() == (
        f"CommandError: nothing stored: {site}/missing: the server answered HTTP 404 Not Found")


def test_an_unknown_story_is_named(site):
    with pytest.raises(CommandError, match="no story 'no-such-story': ingest its folder first"):
        call_command("add_article", "no-such-story", f"{site}/article")


@pytest.mark.parametrize("url, error", [
    ("ftp://127.0.0.1/a.html", "is not an http or https address"),
    ("file:///etc/passwd", "is not an http or https address"),
    ("http://127.0.0.1:9/article", "cannot reach 127.0.0.1:9"),
])
def test_addresses_that_are_not_pages_on_the_web_are_refused(story, url, error):
    with pytest.raises(CommandError, match=error):
        call_command("add_article", story.slug, url)
    assert Article.objects.count() == 1


def test_local_addresses_are_refused_unless_allowed(site, story, settings):
    settings.NEWSDIFF_FETCH_PRIVATE = False
    with pytest.raises(CommandError, match=r"127\.0\.0\.1 is a local or private address \(127\.0\.0\.1\): not fetched"):
        call_command("add_article", story.slug, f"{site}/article")
    for address in ("http://10.1.2.3/a", "http://169.254.169.254/latest/meta-data/", "http://[::1]/a"):
        with pytest.raises(FetchError, match="is a local or private address"):
            fetch_page(address)
    assert Article.objects.count() == 1


def test_a_page_without_an_article_is_refused(site, story, monkeypatch):
    monkeypatch.setattr("tests.test_add_article.PAGE", b"<html><body><nav>Home</nav></body></html>")
    with pytest.raises(CommandError, match="no article found in the page"):
        call_command("add_article", story.slug, f"{site}/article")
    assert Article.objects.count() == 1


def test_source_names_are_file_names_of_the_address():
    assert source_name("https://planet.example/world/talks.html?id=4") == "planet.example_world_talks.html_id_4.html"
    assert source_name("https://planet.example/world/talks.htm") == "planet.example_world_talks.html"
    long = source_name("https://planet.example/" + "a" * 400)
    assert len(long) == 255 and long != source_name("https://planet.example/" + "a" * 401)

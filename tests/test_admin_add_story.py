"""An editor makes a story and adds its articles in the admin, with ingest's checks and storage."""
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsdiff import editing
from newsdiff.models import AlignmentJob, Article, Story

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "data" / "pages"
PAGE = (PAGES / "velaria-ostrana.html").read_bytes()
PLAIN = (PAGES / "velaria-ostrana.txt").read_bytes()
VOICES = "Velaria: Ilse Dornvik\nOstrana: Tomas Arkel"


@pytest.fixture
def editor(client):
    user = User.objects.create_user("ed", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def new_story(client, **fields):
    data = {"title": "Corran crossing", "slug": "corran", "date": "2024-03-02", "voices": VOICES,
            "default_voice": "Press", **fields}
    return client.post(reverse("admin:newsdiff_story_add"), data)


def test_an_editor_creates_a_story_with_voices_and_speakers(client, editor):
    response = new_story(client)
    story = Story.objects.get(slug="corran")
    assert response.status_code == 302
    assert response.url == reverse("admin:newsdiff_story_add_articles", args=[story.pk])
    assert [(v.name, v.is_default) for v in story.voices.order_by("position")] == [
        ("Velaria", False), ("Ostrana", False), ("Press", True)]
    assert dict(story.speakers.values_list("name", "voice__name")) == {"Ilse Dornvik": "Velaria",
                                                                       "Tomas Arkel": "Ostrana"}
    assert LogEntry.objects.get(object_id=str(story.pk)).user == editor


@pytest.mark.parametrize("fields, error", [
    ({"voices": "Velaria: Ilse Dornvik\nOstrana: Ilse Dornvik"}, "speaker &#x27;Ilse Dornvik&#x27; is listed under two voices"),
    ({"voices": "Press: Ilse Dornvik"}, "voice slug &#x27;press&#x27; is used twice"),
    ({"title": "x" * 301}, "at most 300 characters"),
])
def test_a_story_that_does_not_fit_is_refused_with_the_story_file_message(client, editor, fields, error):
    response = new_story(client, **fields)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Story.objects.exists()


def test_a_taken_slug_is_refused(client, editor):
    new_story(client)
    response = new_story(client, title="Another")
    assert "slug &#x27;corran&#x27; is already a story&#x27;s" in response.content.decode()
    assert Story.objects.get().title == "Corran crossing"


def test_uploads_and_pasted_text_are_stored_as_ingest_stores_them_and_aligned(client, editor):
    new_story(client)
    story = Story.objects.get()
    url = reverse("admin:newsdiff_story_add_articles", args=[story.pk])
    wire = PLAIN.replace(b"Daily Planet", b"Lisk Herald")
    response = client.post(url, {
        "files": [SimpleUploadedFile("planet.html", PAGE, "text/html"), SimpleUploadedFile("herald.txt", wire),
                  SimpleUploadedFile("empty.txt", b"   ")],
        "pasted": PLAIN.decode().replace("Daily Planet", "Brenholm Post"), "pasted_name": "post.txt",
    }, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert "created planet.html: 15 passages" in shown
    assert "failed empty.txt: empty file" in shown
    assert any(m.startswith("alignment job") for m in shown)
    assert dict(Article.objects.values_list("source", "outlet__name")) == {
        "planet.html": "Daily Planet", "herald.txt": "Lisk Herald", "post.txt": "Brenholm Post"}
    assert Article.objects.get(source="planet.html").raw_text == PAGE.decode()
    job = story.jobs.get()
    assert job.status == AlignmentJob.Status.SUCCEEDED and job.pairs_created > 0
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Aligned" in page


def test_in_production_articles_are_stored_but_never_aligned_inside_the_request(client, editor, settings):
    settings.NEWSDIFF_INLINE_JOBS = False  # production with the inline backend: no job in a web request
    new_story(client)
    story = Story.objects.get()
    response = client.post(reverse("admin:newsdiff_story_add_articles", args=[story.pk]),
                           {"files": [SimpleUploadedFile("planet.html", PAGE, "text/html")]}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert "created planet.html: 15 passages" in shown
    assert any(m.startswith("Articles stored; no alignment started") and "db_worker" in m for m in shown)
    assert not story.jobs.exists()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    client.post(reverse("admin:newsdiff_story_add_articles", args=[story.pk]), {"pasted": PLAIN.decode()})
    assert story.jobs.get().status == AlignmentJob.Status.QUEUED  # on the worker's queue, not run here


def test_a_form_with_no_article_says_so(client, editor):
    new_story(client)
    story = Story.objects.get()
    response = client.post(reverse("admin:newsdiff_story_add_articles", args=[story.pk]), {"outlet": "X"})
    assert "Give at least one article" in response.content.decode()
    assert not story.jobs.exists()


def test_an_upload_over_the_limit_is_refused_unread(editor):
    story = editing.create_story(editor, slug="s", title="S", voices=VOICES)

    class Huge:
        name, size = "big.txt", 20 * 1024 * 1024

        def read(self):
            raise AssertionError("a file over the limit is never read")

    results, _, job = editing.add_articles(story, editor, files=[Huge()], max_bytes=2 * 1024 * 1024)
    assert [(r.outcome, r.message) for r in results] == [
        ("failed", "file too large: 20,971,520 bytes (the limit is 2,097,152)")]
    assert job is None and not Article.objects.exists()


def test_someone_without_the_permission_cannot_add_articles(client):
    user = User.objects.create_user("viewer", password="x" * 20, is_staff=True)
    client.force_login(user)
    story = Story.objects.create(slug="s", title="S")
    assert client.get(reverse("admin:newsdiff_story_add_articles", args=[story.pk])).status_code == 403
    assert client.post(reverse("admin:newsdiff_story_add"), {"title": "T", "slug": "t"}).status_code == 403


@pytest.fixture
def local_site(settings):
    from http.server import ThreadingHTTPServer
    import threading

    from .test_add_article import Site

    settings.NEWSDIFF_FETCH_PRIVATE = True  # the test's server is on 127.0.0.1
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_editor_adds_a_page_by_its_url_and_a_failing_one_says_why(client, editor, local_site):
    new_story(client)
    story = Story.objects.get()
    url = reverse("admin:newsdiff_story_add_articles", args=[story.pk])
    shown = [str(m) for m in client.post(url, {"url": f"{local_site}/missing"}, follow=True).context["messages"]]
    assert shown[-1:] == [f"failed {local_site}/missing: nothing stored: the server answered HTTP 404 Not Found"]
    assert not Article.objects.exists() and not story.jobs.exists()
    response = client.post(url, {"url": f"{local_site}/article", "outlet": "Planet Wire"}, follow=True)
    article = Article.objects.get()
    assert (article.outlet.name, article.url) == ("Planet Wire", f"{local_site}/article")
    assert f"created {article.source}: 15 passages" in [str(m) for m in response.context["messages"]]

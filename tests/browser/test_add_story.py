"""Adding a story without a terminal, in Chromium: an editor creates a story in the admin,
uploads two text files and one web page, and reaches the story page with its alignment done."""
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from newsdiff.models import AlignmentJob, Article, Story

pytestmark = pytest.mark.django_db(transaction=True)  # (the Editors group: tests/browser/conftest.py)
PASSWORD = "a long browser-test passphrase"
PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def test_an_editor_creates_a_story_uploads_articles_and_sees_it_aligned(page, live_server, screenshot, monkeypatch):
    monkeypatch.setenv("NEWSDIFF_EDITOR_PASSWORD", PASSWORD)
    call_command("make_editor", "ed", "--noinput", verbosity=0)
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={reverse('admin:newsdiff_story_add')}")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Title").fill("Corran crossing reopens")
    page.get_by_label("Slug").fill("corran")
    page.get_by_label("Voices").fill("Velaria: Ilse Dornvik\nOstrana: Tomas Arkel")
    page.get_by_role("button", name="Create story and add articles").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Story “Corran crossing reopens” created", ignore_case=True)

    plain = (PAGES / "velaria-ostrana.txt").read_text(encoding="utf-8")
    page.locator("input[name=files]").set_input_files([
        {"name": "herald.txt", "mimeType": "text/plain",
         "buffer": plain.replace("Daily Planet", "Lisk Herald").encode()},
        {"name": "post.txt", "mimeType": "text/plain",
         "buffer": plain.replace("Daily Planet", "Brenholm Post").encode()},
        {"name": "planet.html", "mimeType": "text/html", "buffer": (PAGES / "velaria-ostrana.html").read_bytes()},
    ])
    page.get_by_role("button", name="Add articles").click()
    messages = page.locator("ul.messagelist")
    for source in ("herald.txt", "post.txt", "planet.html"):
        expect(messages).to_contain_text(f"created {source}: 15 passages", ignore_case=True)
    expect(page.locator("#story-articles li")).to_have_count(3)
    screenshot(page, "-added")

    page.locator("#story-page").click()
    story = Story.objects.get(slug="corran")
    expect(page).to_have_url(f"{live_server.url}{story.get_absolute_url()}")
    expect(page.locator("#job-state")).to_contain_text("Aligned")
    expect(page.locator("main")).to_contain_text("Tomas Arkel")
    screenshot(page, "-story")
    assert story.jobs.get().status == AlignmentJob.Status.SUCCEEDED
    assert sorted(Article.objects.values_list("outlet__name", flat=True)) == ["Brenholm Post", "Daily Planet",
                                                                              "Lisk Herald"]

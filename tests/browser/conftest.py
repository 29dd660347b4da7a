"""Real-browser tests: pytest-playwright driving Debian's Chromium against a live test server.

Playwright's own browser download does not work on these machines, so the
tests launch /usr/bin/chromium (`make test` installs it under CI or as root).
Without it they are skipped, except under CI, where a missing browser fails.
Each test leaves a screenshot in test-artifacts/ (kept out of git).
"""
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from newsdiff.jobs import run_alignment, start_alignment
from newsdiff.models import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls beside Playwright's event loop

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--headless=new", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture
def seed_story(live_server, transactional_db) -> Story:
    """The demo: the seed story's fixture, aligned, served by the live server."""
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    story = Story.objects.get()
    job = run_alignment(start_alignment(story, enqueue=False).pk)
    assert job.status == "succeeded", job.error
    return story


@pytest.fixture
def screenshot(request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, suffix: str = "") -> Path:
        path = ARTIFACTS / f"{request.node.name}{suffix}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take


@pytest.fixture(autouse=True)
def editors_group(transactional_db):
    """The "Editors" group as its data migrations make it. Browser tests run in real transactions, and the
    flush after each empties every table, the group included (a flush recreates permissions, not groups)."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    apps = MigrationExecutor(connection).loader.project_state().apps
    for name, function in (("0004_editors_group", "create_group"), ("0010_editors_add_stories_and_articles", "grant")):
        getattr(importlib.import_module(f"newsdiff.migrations.{name}"), function)(apps, None)

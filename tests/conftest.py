import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_STORY = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render pages without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seed_story_dir(tmp_path) -> Path:
    """A writable copy of the seed story folder."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_STORY, target)
    return target


STORY_TOML = """\
slug = "talks"
title = "Two capitals talk"
date = 2024-03-01

[[voices]]
slug = "east"
name = "East"
speakers = ["Anna Petrova"]
institutions = ["East Ministry"]

[[voices]]
slug = "west"
name = "West"
speakers = ["John Smith"]

[[voices]]
slug = "press"
name = "Press"
default = true
"""


@pytest.fixture
def seed_story(db):
    """The seed story ingested (not aligned) into the test database."""
    from newsdiff.ingest import ingest_story

    return ingest_story(SEED_STORY).story


@pytest.fixture
def make_story(tmp_path):
    """Write a small story folder: make_story({"a.txt": "text"}, toml=...)."""

    def make(files: dict[str, str | bytes], toml: str = STORY_TOML, name: str = "story") -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        (folder / "story.toml").write_text(toml, encoding="utf-8")
        for file_name, content in files.items():
            path = folder / file_name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    return make


ARTICLE = """\
Capitals agree to keep talking

by Jane Doe

The two ministers met in Geneva on Tuesday. Anna Petrova said the talks were "useful and frank."

"We are ready to continue," John Smith told reporters. He added that a second round was planned.

Share this article
"""

"""Fuzz: whatever a story.toml holds, `ingest` stores the story or stops with one message, never a traceback.

Documents are built from the valid story file's keys with values of every TOML type (and
huge, empty, unicode strings), plus unknown keys; folders hold article files, a link and a
directory named like a file. `make fuzz` runs many more examples (FUZZ_EXAMPLES).
"""
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from newsdiff.models import Article, Story

from .conftest import ARTICLE

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

scalars = st.one_of(
    st.integers(-10**6, 10**6), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.sampled_from(["", " ", "x" * 5000, "talks", "a.txt", "../a.txt", "/etc/hostname",
                                           "javascript:alert(1)", "https://example.com/a", "Ω≈ç√", "\u202e"]),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.lists(st.lists(scalars, max_size=3), max_size=3))


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)  # a JSON string is a TOML basic string


@st.composite
def story_files(draw):
    """A story.toml: each known key valid, missing or replaced, plus unknown keys and tables."""
    top = {"slug": '"talks"', "title": '"Two capitals talk"', "date": "2024-03-01"}
    lines = []
    for key, good in top.items():
        choice = draw(st.sampled_from(["good", "good", "good", "missing", "other"]))
        if choice == "good":
            lines.append(f"{key} = {good}")
        elif choice == "other":
            lines.append(f"{key} = {toml_value(draw(values))}")
    if draw(st.booleans()):
        lines.append(f"aliases = {toml_value(draw(values))}")
    if draw(st.booleans()):
        lines.append(f"{draw(st.sampled_from(['colour', 'x', 'articles']))} = {toml_value(draw(values))}")
    voices = draw(st.lists(st.fixed_dictionaries({}, optional={
        "slug": st.one_of(st.just('"press"'), st.just('"east"'), values.map(toml_value)),
        "name": values.map(toml_value), "default": st.one_of(st.just("true"), values.map(toml_value)),
        "speakers": st.one_of(st.just('["Anna Petrova"]'), values.map(toml_value)),
        "institutions": values.map(toml_value), "aliases": values.map(toml_value),
    }), max_size=3))
    if draw(st.integers(0, 3)):  # most documents keep a valid default voice, so deeper checks run
        voices.insert(0, {"slug": '"press"', "default": "true"})
    for voice in voices:
        lines.append("\n[[voices]]")
        lines += [f"{k} = {v}" for k, v in voice.items()]
    articles = draw(st.lists(st.fixed_dictionaries({}, optional={
        "file": st.one_of(st.sampled_from(['"a.txt"', '"b.txt"', '"link.txt"', '"dir.txt"', '"../outside.txt"']),
                          values.map(toml_value)),
        "outlet": values.map(toml_value), "url": values.map(toml_value), "published": values.map(toml_value),
    }), max_size=3))
    for article in articles:
        lines.append("\n[[articles]]")
        lines += [f"{k} = {v}" for k, v in article.items()]
    return "\n".join(lines) + "\n"


def folder_with(toml: str, root: Path, link: bool, directory: bool) -> Path:
    (root / "outside.txt").write_text(ARTICLE, encoding="utf-8")
    folder = root / "story"
    folder.mkdir()
    (folder / "story.toml").write_text(toml, encoding="utf-8")
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE.replace("Tuesday", "Monday"), encoding="utf-8")
    if link:
        (folder / "link.txt").symlink_to(root / "outside.txt")
    if directory:
        (folder / "dir.txt").mkdir()
    return folder


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(toml=story_files(), link=st.booleans(), directory=st.booleans())
def test_ingest_stores_the_story_or_stops_with_a_message(toml, link, directory):
    Story.objects.all().delete()
    with tempfile.TemporaryDirectory() as tmp:
        folder = folder_with(toml, Path(tmp), link, directory)
        try:
            call_command("ingest", str(folder), "--no-align", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
            event("stored")
        except CommandError as e:
            event("refused" if str(e).startswith("nothing stored") else "stored, some files failed")
            assert str(e).strip()
            if str(e).startswith("nothing stored"):
                assert not Story.objects.exists() and not Article.objects.exists()
        for article in Article.objects.all():  # nothing from outside the folder, ever
            assert article.source not in {"link.txt", "../outside.txt", "dir.txt"}

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


@pytest.fixture
def small_story(make_story):
    """A one-article story (ARTICLE) ingested, not aligned."""
    from newsdiff.ingest import ingest_story

    return ingest_story(make_story({"a.txt": ARTICLE})).story


ARTICLE = """\
Capitals agree to keep talking

by Jane Doe

The two ministers met in Geneva on Tuesday. Anna Petrova said the talks were "useful and frank."

"We are ready to continue," John Smith told reporters. He added that a second round was planned.

Share this article
"""


# A story built directly in the database, for the pages' tests ---------------------------------------------


def build_story(n_articles: int, slug: str = "talks", hostile: str = ""):
    """A story of `n_articles` outlets, each reporting the same three claims in two exchanges, all aligned.

    Claim 0 is worded with a verb that cycles conquer / seize / develop across outlets; claim 1 is the same
    in every outlet; claim 2 says the call lasted 2 or 3 hours. Consecutive outlets' wordings of a claim
    are paired (scores 0.9, 0.7, 0.5 by claim). A third exchange, "empty row", has no passage.
    `hostile` is appended to every claim-0 sentence (markup that must stay inert).
    """
    from newsdiff.models import AlignedPair, Article, Exchange, Outlet, Passage, Story, Voice

    story = Story.objects.create(slug=slug, title="Two capitals talk")
    east = Voice.objects.create(story=story, slug="east", name="East", position=0)
    west = Voice.objects.create(story=story, slug="west", name="West", position=1)
    press = Voice.objects.create(story=story, slug="press", name="Press", position=2, is_default=True)
    guarantees = Exchange.objects.create(story=story, title="guarantees · expansion", position=0)
    meeting = Exchange.objects.create(story=story, title="meeting · hours", position=1)
    Exchange.objects.create(story=story, title="empty row", position=2)
    verbs = ["conquer", "seize", "develop"]
    by_claim: dict[int, list] = {0: [], 1: [], 2: []}
    for n in range(n_articles):
        outlet, _ = Outlet.objects.get_or_create(name=f"Outlet {n:02d}")
        texts = [
            f"The minister said the alliance tried to {verbs[n % 3]} the territory.{hostile}",
            "The envoy demanded binding guarantees against expansion.",
            f"The call lasted {2 + n % 2} hours.",
        ]
        body = " ".join(texts)
        article = Article.objects.create(story=story, outlet=outlet, source=f"{n:03d}.txt", title=f"Report {n}",
                                         raw_text=body, body=body, content_hash=f"{slug}{n}")
        start = 0
        for position, (text, voice, exchange) in enumerate(zip(texts, [east, west, press],
                                                                [guarantees, guarantees, meeting])):
            passage = Passage.objects.create(article=article, position=position, paragraph=0, start=start,
                                             end=start + len(text), text=text, voice=voice, exchange=exchange)
            start += len(text) + 1
            by_claim[position].append(passage)
    pairs = []
    for claim, passages in by_claim.items():
        for x, y in zip(passages, passages[1:]):
            pairs.append(AlignedPair(story=story, a=x, b=y, score=0.9 - 0.2 * claim, method="test"))
    AlignedPair.objects.bulk_create(pairs)
    return story


def assert_same_queries_at_5_and_50_articles(client, assert_max_queries, bound: int, path_of) -> None:
    """A page runs at most `bound` queries, and the same number, for a story of 5 and of 50 articles: on the
    first request, which reads the whole story (`storycache`), and again on the next, which reads what it
    remembered of it.

    `path_of(story)` gives the page's path (with its query string) in a story built by `build_story`.
    """
    counts = []
    for n_articles in (5, 50):
        story = build_story(n_articles, slug=f"s{n_articles}")
        for _ in ("first", "again"):
            with assert_max_queries(bound) as captured:
                response = client.get(path_of(story))
            assert response.status_code == 200
            counts.append(len(captured.captured_queries))
    assert counts[:2] == counts[2:], counts  # the same counts at both sizes, not merely under the bound at each


HOSTILE = " <script>alert(1)</script>"


def assert_inert(html: str) -> None:
    """Article text carrying `HOSTILE` markup was escaped, not rendered."""
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture(scope="module")
def read_only_seed(django_db_setup, django_db_blocker):
    """The seed story ingested once for a module whose tests only read it (each test's writes roll back)."""
    from newsdiff.ingest import ingest_story
    from newsdiff.models import Encoding, Outlet, Story

    with django_db_blocker.unblock():
        story = ingest_story(SEED_STORY).story
        yield story
        for model in (Story, Outlet, Encoding):  # what an ingest creates (passages etc. go with the story)
            model.objects.all().delete()


@pytest.fixture
def editor(django_user_model, monkeypatch):
    """An account in the editors' group, made as the README says (`make_editor`)."""
    from django.core.management import call_command

    monkeypatch.setenv("NEWSDIFF_EDITOR_PASSWORD", "a long demo passphrase")
    call_command("make_editor", "ed", "--noinput", stdout=open("/dev/null", "w"))
    return django_user_model.objects.get(username="ed")


@pytest.fixture
def editor_client(editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    return client

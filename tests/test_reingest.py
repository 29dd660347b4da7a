"""Re-ingesting a changed article keeps every editor decision (issue 11, build 1), end to end.

The scenario is tests/reingest_scenario.py (bench/reingest.py prints its counts). It runs once for
this module, inside a transaction rolled back at the end; the tests only read what it left.
Single rules, on an invented story, are in tests/test_reingest_rules.py.
"""
import shutil

import pytest
from django.db import transaction

from newsdiff.export import story_export
from newsdiff.models import Passage

from . import reingest_scenario as scenario
from .conftest import SEED_STORY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def outcome(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reingest") / "seed"
    shutil.copytree(SEED_STORY, folder)
    with django_db_blocker.unblock(), transaction.atomic():
        from django.contrib.auth import get_user_model

        editor = get_user_model().objects.create_user("ed", password="not used here")
        yield scenario.run(folder, editor)
        transaction.set_rollback(True)


def test_every_decision_survives_ingest_align_and_attribute_with_who_and_when(outcome):
    # 3 confirmed + 2 rejected pairs, 2 voices, the renamed exchange and the one that absorbed the merge.
    assert len(outcome.before) == 9
    assert outcome.after == outcome.before
    assert {who for *_, who, when in outcome.after.values()} == {"ed"}


def test_the_report_counts_kept_edited_added_and_retired_passages(outcome):
    assert "updated   004_cea50f6370969d2e.txt" in outcome.reingest
    assert "passages 35 kept, 1 edited, 1 added, 1 retired, 0 removed" in outcome.reingest


def test_the_corrected_sentence_keeps_its_id_and_its_confirmed_pair(outcome):
    passage = Passage.objects.get(pk=outcome.corrected_id)
    assert scenario.CORRECTED[1] in passage.text and passage.retired_at is None
    assert passage.article.body[passage.start:passage.end] == passage.text
    assert scenario.pairs_of(passage.pk).filter(status="confirmed", tagged_by="ed").exists()


def test_the_removed_sentence_is_retired_with_its_tags_and_off_the_pages(outcome, client):
    passage = Passage.objects.get(pk=outcome.removed_id)
    assert passage.retired_at is not None and passage.text.startswith(scenario.REMOVED)
    [pair] = scenario.pairs_of(passage.pk)
    assert (pair.status, pair.tagged_by, pair.stale) == ("confirmed", "ed", True)
    page = client.get(f"/stories/{scenario.SLUG}/")
    assert page.status_code == 200
    assert scenario.REMOVED not in page.content.decode()
    exported = {p["id"]: p for p in story_export(passage.article.story)["passages"]}
    assert exported[passage.pk]["retired"] is True and exported[passage.pk]["text"] == passage.text


def test_the_added_sentence_is_aligned(outcome):
    passage = Passage.objects.get(article__source=scenario.EDITED_FILE, text=outcome.added_text)
    partners = {pair.a_id if pair.b_id == passage.pk else pair.b_id for pair in scenario.pairs_of(passage.pk)}
    assert Passage.objects.filter(pk__in=partners, article__source=scenario.ADDED_FROM[0]).exists()

"""Tagging a pair in place from the drill-down (editors only)."""
import json

import pytest
from django.test import Client
from django.urls import reverse

from newsdiff.models import AlignedPair, Passage

from .conftest import build_story
from .test_editing import log_of, tag_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return build_story(3)


def test_an_editor_tags_a_pair_in_place_and_gets_the_updated_row(editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    page = client.get(reverse("newsdiff:passage", args=[story.slug, pair.a_id]))
    html = page.content.decode()
    assert "Confirm</button>" in html and 'name="csrfmiddlewaretoken"' in html
    token = page.cookies["csrftoken"].value
    response = client.post(tag_url(pair), {"status": "confirmed", "viewed_from": pair.a_id,
                                           "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<li class="counterpart status-confirmed" id="pair-{pair.pk}"')
    assert "tagged by ed" in row and "<del>conquer</del> <ins>seize</ins>" in row
    pair.refresh_from_db()
    assert (pair.status, pair.tagged_by) == ("confirmed", "ed") and log_of(pair)
    response = client.post(tag_url(pair), {"relation": "variant", "viewed_from": pair.a_id,
                                           "csrfmiddlewaretoken": token})  # no htmx: back to the page
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.relation) == ("confirmed", "variant")


def test_researchers_see_no_controls_and_cannot_tag(client, story, django_user_model):
    pair = AlignedPair.objects.first()
    html = client.get(reverse("newsdiff:passage", args=[story.slug, pair.a_id])).content.decode()
    assert "Confirm</button>" not in html
    assert client.post(tag_url(pair), {"status": "rejected", "viewed_from": pair.a_id}).status_code == 403
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.post(tag_url(pair), {"status": "rejected", "viewed_from": pair.a_id}).status_code == 403
    pair.refresh_from_db()
    assert (pair.status, pair.tagged_by) == ("proposed", "")


def test_a_tag_without_a_csrf_token_or_with_bad_values_is_refused(editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    pair = AlignedPair.objects.first()
    assert client.post(tag_url(pair), {"status": "confirmed", "viewed_from": pair.a_id}).status_code == 403
    token = client.get(reverse("newsdiff:passage", args=[story.slug, pair.a_id])).cookies["csrftoken"].value
    assert client.post(tag_url(pair), {"status": "maybe", "viewed_from": pair.a_id,
                                       "csrfmiddlewaretoken": token}).status_code == 400
    other = Passage.objects.exclude(pk__in=[pair.a_id, pair.b_id]).first()
    assert client.post(tag_url(pair), {"status": "confirmed", "viewed_from": other.pk,
                                       "csrfmiddlewaretoken": token}).status_code == 400
    assert client.get(tag_url(pair)).status_code == 405
    pair.refresh_from_db()
    assert pair.status == "proposed"


def hx_tag(client, pair, **data):
    return client.post(tag_url(pair), {"viewed_from": pair.a_id, **data}, HTTP_HX_REQUEST="true")


def test_a_tag_response_tells_the_story_page_which_passages_changed(editor_client, story):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    response = hx_tag(editor_client, pair, status="rejected")
    assert json.loads(response["HX-Trigger"]) == {
        "pairTagged": {"pair": pair.pk, "passages": [pair.a_id, pair.b_id], "status": "rejected", "was": "proposed"}}


def test_a_decision_is_undone_back_to_proposed_and_the_pair_is_the_jobs_again(editor_client, story):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    row = hx_tag(editor_client, pair, status="confirmed").content.decode()
    assert "Back to proposed</button>" in row
    response = hx_tag(editor_client, pair, undo="1", status="", relation="paraphrase")
    row = response.content.decode()
    assert 'class="counterpart status-proposed"' in row and "Back to proposed" not in row and "tagged by" not in row
    assert json.loads(response["HX-Trigger"])["pairTagged"]["status"] == "proposed"
    pair.refresh_from_db()
    assert (pair.status, pair.tagged_by, pair.tagged_at, pair.tagged_by_editor) == ("proposed", "", None, False)
    assert log_of(pair)[0] == "status: confirmed → proposed; decision undone, back to the alignment job"


def test_an_editor_writes_and_clears_a_note_in_place(editor_client, story, client):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    row = hx_tag(editor_client, pair, note="  Checked against the Kremlin's English readout. ").content.decode()
    assert ">Checked against the Kremlin&#x27;s English readout.</textarea>" in row
    pair.refresh_from_db()
    assert (pair.note, pair.status, pair.tagged_by) == ("Checked against the Kremlin's English readout.", "proposed", "ed")
    assert "note: — → Checked" in log_of(pair)[0]
    readers_view = client.get(reverse("newsdiff:passage", args=[story.slug, pair.a_id])).content.decode()
    assert "Note: Checked against the Kremlin" in readers_view
    # An undo keeps a noted pair the editor's (the note is a decision of its own)
    hx_tag(editor_client, pair, status="rejected")
    hx_tag(editor_client, pair, undo="1")
    pair.refresh_from_db()
    assert (pair.status, pair.tagged_by_editor, pair.note[:7]) == ("proposed", True, "Checked")
    hx_tag(editor_client, pair, note="")
    pair.refresh_from_db()
    assert pair.note == ""
    assert hx_tag(editor_client, pair, note="x" * 2001).status_code == 400


def test_the_tag_form_offers_undo_a_note_and_keeps_relation_changes_on_the_select(editor_client, story):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    html = editor_client.get(reverse("newsdiff:passage", args=[story.slug, pair.a_id])).content.decode()
    form = html.split('<form class="tag"')[1].split("</form>")[0]
    assert 'hx-trigger="submit, change from:find select"' in form  # typing a note does not submit on blur
    assert f'<label for="note-{pair.pk}">Note</label>' in form and "Save note</button>" in form
    assert "Back to proposed" not in form  # nothing to undo yet


def test_a_decision_on_a_pair_an_alignment_run_removed_meanwhile_says_so_and_saves_nothing(editor, story):
    from django.contrib.admin.models import LogEntry

    from newsdiff import editing

    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    AlignedPair.objects.filter(pk=pair.pk).delete()  # what a run does to a pair it no longer proposes
    with pytest.raises(editing.DecisionError, match="removed by an alignment run"):
        editing.tag_pairs([pair], editor, status="confirmed")
    assert not LogEntry.objects.exists()
    assert not AlignedPair.objects.filter(pk=pair.pk).exists()

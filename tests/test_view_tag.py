"""Tagging a pair in place from the drill-down (editors only)."""
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

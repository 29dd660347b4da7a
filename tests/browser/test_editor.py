"""An editor's round trip in Chromium: log in, confirm and reject from the drill-down, reload, see both."""
from collections import Counter

import pytest
from django.db.models import Q
from django.urls import reverse
from playwright.sync_api import expect

from newsdiff.models import AlignedPair, Passage

from .test_story_page import story_url, widest_claim_passage

pytestmark = pytest.mark.django_db(transaction=True)  # (the Editors group: tests/browser/conftest.py)


def test_an_editor_confirms_and_rejects_pairs_in_place_and_the_decisions_stay(page, live_server, seed_story,
                                                                             screenshot, log_in_editor):
    log_in_editor(reverse("newsdiff:story", args=[seed_story.slug]))
    expect(page).to_have_url(story_url(live_server, seed_story))
    expect(page.locator("header.site .account")).to_contain_text("ed")

    passage = widest_claim_passage(page)
    untagged = list(AlignedPair.objects.filter(Q(a=passage) | Q(b=passage), tagged_at=None).order_by("-score"))
    to_confirm, to_reject = untagged[0], untagged[1]
    link = page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']")
    link.click()
    page.locator(f"#pair-{to_confirm.pk}").get_by_role("button", name="Confirm").click()
    expect(page.locator(f"#pair-{to_confirm.pk}.status-confirmed")).to_contain_text("tagged by ed")
    page.locator(f"#pair-{to_reject.pk}").get_by_role("button", name="Reject").click()
    expect(page.locator(f"#pair-{to_reject.pk}.status-rejected")).to_be_visible()
    screenshot(page, "-tagged")

    page.goto(story_url(live_server, seed_story))
    page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']").click()
    expect(page.locator(f"#drilldown #pair-{to_confirm.pk}.status-confirmed")).to_be_visible()
    expect(page.locator(f"#drilldown #pair-{to_reject.pk}")).to_have_count(0)  # rejected: hidden by default
    page.locator("select[name=status]").select_option("all")
    expect(page.locator(f"#drilldown #pair-{to_reject.pk}.status-rejected")).to_be_visible()
    screenshot(page, "-after-reload")
    assert set(AlignedPair.objects.filter(pk__in=[to_confirm.pk, to_reject.pk]).values_list("status", "tagged_by")) == {
        ("confirmed", "ed"), ("rejected", "ed")}


def best_linked_passage(story) -> Passage:
    """The passage aligned to the most other passages (opened as its own page here, so it need not be shown)."""
    counts = Counter()
    for a, b in AlignedPair.objects.filter(story=story).values_list("a_id", "b_id"):
        counts.update((a, b))
    return Passage.objects.get(pk=max(counts, key=lambda p: (counts[p], -p)))


def test_focus_stays_on_the_tagged_row_a_decision_is_undone_and_a_note_saved(page, live_server, seed_story,
                                                                            screenshot, log_in_editor):
    passage = best_linked_passage(seed_story)
    pair = AlignedPair.objects.filter(Q(a=passage) | Q(b=passage), tagged_at=None).order_by("-score").first()
    log_in_editor(reverse("newsdiff:passage", args=[seed_story.slug, passage.pk]))
    page.evaluate("""() => { window.__tagged = [];
        document.body.addEventListener("pairTagged", (e) => window.__tagged.push(e.detail)); }""")
    row = page.locator(f"#pair-{pair.pk}")
    row.get_by_role("button", name="Confirm").click()
    expect(page.locator(f"#pair-{pair.pk}.status-confirmed")).to_be_visible()
    expect(row.get_by_role("button", name="Confirm")).to_be_focused()  # the swapped row keeps the focus
    assert page.evaluate("window.__tagged.map(({pair, passages, status, was}) => ({pair, passages, status, was}))") == [
        {"pair": pair.pk, "passages": [pair.a_id, pair.b_id], "status": "confirmed", "was": "proposed"}]

    row.get_by_role("button", name="Back to proposed").click()
    expect(page.locator(f"#pair-{pair.pk}.status-proposed")).to_be_visible()
    expect(row.get_by_role("button", name="Confirm")).to_be_focused()  # the undo button is gone: the first one
    row.get_by_label("Note").fill("Same quote, other translation.")
    with page.expect_response(lambda response: response.request.method == "POST"):  # saved before it is read below
        row.get_by_role("button", name="Save note").click()
    expect(row.get_by_label("Note")).to_have_value("Same quote, other translation.")
    expect(row.get_by_role("button", name="Save note")).to_be_focused()
    screenshot(page)
    pair.refresh_from_db()
    assert (pair.status, pair.note, pair.tagged_by) == ("proposed", "Same quote, other translation.", "ed")

"""An editor's round trip in Chromium: log in, confirm and reject from the drill-down, reload, see both."""
import importlib

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from playwright.sync_api import expect

from newsdiff.models import AlignedPair

from .test_story_page import best_linked_passage, story_url

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long browser-test passphrase"


@pytest.fixture(autouse=True)
def editors_group(transactional_db):
    """The "Editors" group as its data migration makes it: an earlier transactional test's flush removed it
    (the flush recreates permissions, not groups)."""
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("newsdiff.migrations.0004_editors_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    wanted = [migration.codename(model, action) for model, actions in migration.PERMISSIONS.items()
              for action in actions]
    group.permissions.set(Permission.objects.filter(content_type__app_label="newsdiff", codename__in=wanted))
    assert group.permissions.count() == len(wanted)


def test_an_editor_confirms_and_rejects_pairs_in_place_and_the_decisions_stay(page, live_server, seed_story,
                                                                             screenshot, monkeypatch):
    monkeypatch.setenv("NEWSDIFF_EDITOR_PASSWORD", PASSWORD)
    call_command("make_editor", "ed", "--noinput", verbosity=0)
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={reverse('newsdiff:story', args=[seed_story.slug])}")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(story_url(live_server, seed_story))
    expect(page.locator("header.site .account")).to_contain_text("ed")

    passage = best_linked_passage(seed_story)
    untagged = list(AlignedPair.objects.filter(Q(a=passage) | Q(b=passage), tagged_at=None).order_by("-score"))
    to_confirm, to_reject = untagged[0], untagged[1]
    link = page.locator(f"a.passage-link[data-passage='{passage.pk}']")
    link.click()
    page.locator(f"#pair-{to_confirm.pk}").get_by_role("button", name="Confirm").click()
    expect(page.locator(f"#pair-{to_confirm.pk}.status-confirmed")).to_contain_text("tagged by ed")
    page.locator(f"#pair-{to_reject.pk}").get_by_role("button", name="Reject").click()
    expect(page.locator(f"#pair-{to_reject.pk}.status-rejected")).to_be_visible()
    screenshot(page, "-tagged")

    page.reload()
    page.locator(f"a.passage-link[data-passage='{passage.pk}']").click()
    expect(page.locator(f"#drilldown #pair-{to_confirm.pk}.status-confirmed")).to_be_visible()
    expect(page.locator(f"#drilldown #pair-{to_reject.pk}")).to_have_count(0)  # rejected: hidden by default
    page.locator("select[name=status]").select_option("all")
    expect(page.locator(f"#drilldown #pair-{to_reject.pk}.status-rejected")).to_be_visible()
    screenshot(page, "-after-reload")
    assert set(AlignedPair.objects.filter(pk__in=[to_confirm.pk, to_reject.pk]).values_list("status", "tagged_by")) == {
        ("confirmed", "ed"), ("rejected", "ed")}

"""What a researcher does on the seed story, in Chromium: read the grid, drill in, filter, share the URL."""
import re
from collections import defaultdict

import pytest
from django.db.models import Q
from django.urls import reverse
from playwright.sync_api import expect

from newsdiff.models import AlignedPair, Passage, Voice

pytestmark = pytest.mark.django_db(transaction=True)


def story_url(live_server, story, query=""):
    return f"{live_server.url}{reverse('newsdiff:story', args=[story.slug])}{query}"


def best_linked_passage(story) -> Passage:
    """The sentence aligned to the most other outlets: the natural one to drill into."""
    outlets = defaultdict(set)
    for a, b, a_outlet, b_outlet in AlignedPair.objects.filter(story=story).values_list(
            "a_id", "b_id", "a__article__outlet", "b__article__outlet"):
        outlets[a].add(b_outlet)
        outlets[b].add(a_outlet)
    return Passage.objects.get(pk=max(outlets, key=lambda p: (len(outlets[p]), -p)))


def test_voice_columns_appear_in_the_storys_order_and_an_exchange_spans_voices(page, live_server, seed_story,
                                                                               screenshot):
    page.goto(story_url(live_server, seed_story))
    names = list(Voice.objects.filter(story=seed_story).order_by("position").values_list("name", flat=True))
    expect(page.locator("table.parallel thead th.column-head")).to_have_text(names)
    # The exchange holding the passages about the guarantees Moscow demanded
    exchange = Passage.objects.filter(article__story=seed_story, text__icontains="guarantee").first().exchange
    row = page.locator("tr.exchange", has=page.locator(".exchange-title .title", has_text=exchange.title))
    filled = row.locator("td.cell").filter(has=page.locator("ul.claim"))
    assert filled.count() >= 2
    screenshot(page)


def test_clicking_a_passage_opens_the_drilldown_with_outlets_and_word_differences(page, live_server, seed_story,
                                                                                 screenshot):
    passage = best_linked_passage(seed_story)
    page.goto(story_url(live_server, seed_story))
    url_before = page.url
    page.locator(f"a.passage-link[data-passage='{passage.pk}']").click()
    drawer = page.locator("#drilldown.open")
    expect(drawer.locator("#drilldown-title")).to_be_focused()
    outlets = set(drawer.locator(".counterpart .outlet .name").all_inner_texts())
    assert len(outlets) >= 2
    assert drawer.locator(".diff ins").count() >= 1 and drawer.locator(".diff del").count() >= 1
    assert page.url == url_before  # a panel, not a page load
    screenshot(page)
    page.keyboard.press("Escape")
    expect(page.locator("#drilldown")).to_be_hidden()


def test_an_outlet_filter_removes_badges_changes_the_url_and_survives_a_reload(page, live_server, seed_story,
                                                                               screenshot):
    page.goto(story_url(live_server, seed_story))
    badges = page.locator("#grid .outlet-badge .name")
    everyone = set(badges.all_inner_texts())
    assert len(everyone) >= 3
    kept = sorted(everyone)[0]
    page.get_by_role("checkbox", name=kept, exact=True).check()
    expect(page).to_have_url(re.compile(r"[?&]outlet=\d+"))
    expect(badges.first).to_be_visible()
    page.wait_for_function("() => new Set([...document.querySelectorAll('#grid .outlet-badge .name')]"
                           ".map(b => b.textContent)).size === 1")
    assert set(badges.all_inner_texts()) == {kept}
    page.reload()
    expect(page.get_by_role("checkbox", name=kept, exact=True)).to_be_checked()
    assert set(badges.all_inner_texts()) == {kept}
    screenshot(page)


def test_the_pages_work_without_javascript(browser, live_server, seed_story, screenshot):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    passage = best_linked_passage(seed_story)
    page.goto(story_url(live_server, seed_story))
    page.locator(f"a.passage-link[data-passage='{passage.pk}']").click()
    expect(page).to_have_url(re.compile(rf"/passages/{passage.pk}/$"))
    expect(page.locator("#drilldown-title")).to_be_visible()
    assert page.locator(".counterpart").count() >= 2
    screenshot(page, "-drilldown")
    page.go_back()
    kremlin = Voice.objects.get(story=seed_story, position=1)
    page.get_by_role("checkbox", name=kremlin.name, exact=True).check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"voice={kremlin.slug}"))
    expect(page.locator("table.parallel thead th.column-head")).to_have_text([kremlin.name])
    screenshot(page, "-filtered")
    context.close()


def test_the_drilldown_hides_rejected_pairs_unless_asked(page, live_server, seed_story, screenshot):
    passage = best_linked_passage(seed_story)
    pair = AlignedPair.objects.filter(Q(a=passage) | Q(b=passage)).order_by("-score").first()
    other = pair.b if pair.a_id == passage.pk else pair.a
    AlignedPair.objects.filter(pk=pair.pk).update(status=AlignedPair.Status.REJECTED)
    page.goto(story_url(live_server, seed_story))
    page.locator(f"a.passage-link[data-passage='{passage.pk}']").click()
    expect(page.locator("#drilldown.open .counterpart").first).to_be_visible()
    assert page.locator("#drilldown .status-rejected").count() == 0
    status = page.locator("select[name=status]")
    status.focus()
    status.select_option("all")  # the open drill-down follows the filter
    expect(page).to_have_url(re.compile("status=all"))
    expect(page.locator(f"#drilldown .status-rejected[data-outlet='{other.article.outlet_id}']")).to_have_count(1)
    expect(status).to_be_focused()  # the refresh does not steal focus
    screenshot(page)

"""The drill-down in Chromium: the seed story's "conquer / develop / seize" claim as one variant table, and a
drill-down URL that can be shared: opened directly, it shows the same panel."""
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from newsdiff.models import Passage

from .test_story_page import story_url

pytestmark = pytest.mark.django_db(transaction=True)
VERBS = {"conquer", "develop", "seize"}


def conquer_passage(story) -> Passage:
    """The seed sentence "Putin conveyed that NATO was making dangerous attempts to conquer Ukrainian territory"."""
    return Passage.objects.get(article__story=story, text__contains="was making dangerous attempts to conquer")


def passage_url(live_server, passage, query=""):
    return f"{live_server.url}{reverse('newsdiff:passage', args=[passage.article.story.slug, passage.pk])}{query}"


def test_the_variant_table_of_the_conquer_claim_shows_the_three_verbs_in_one_column(page, live_server, seed_story,
                                                                                    screenshot):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(passage_url(live_server, conquer_passage(seed_story)))
    table = page.locator("table.variants")
    expect(table).to_be_visible()
    cells = table.locator("td.same, td.variant")
    verbs = [(cell.inner_text().strip("\"“” "), cell.get_attribute("data-place"), cell.bounding_box())
             for cell in cells.all() if cell.inner_text().strip("\"“” ") in VERBS]
    assert {verb for verb, _, _ in verbs} == VERBS
    assert len({place for _, place, _ in verbs}) == 1  # one place of the table...
    assert len({round(box["x"]) for _, _, box in verbs}) == 1  # ...drawn as one column
    assert len({round(box["y"]) for _, _, box in verbs}) == len(verbs)  # one row per wording
    expect(page.locator(".wordings .variant-summary")).to_contain_text("conquer / develop / seize")
    table.scroll_into_view_if_needed()
    screenshot(page, "-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(table).to_be_visible()
    screenshot(page, "-390")


def test_a_drilldown_url_opened_directly_shows_the_same_panel(page, live_server, seed_story, screenshot):
    passage = conquer_passage(seed_story)
    page.goto(story_url(live_server, seed_story, "?open=all"))  # every fold filled: the sentence may be in one
    story_page = page.url
    link = page.locator(f"#grid a.passage-link[data-passage='{passage.pk}']")
    if not link.is_visible():
        page.locator(f"#grid details:has(a.passage-link[data-passage='{passage.pk}']) > summary").click()
    link.click()
    drawer = page.locator("#drilldown.open")
    expect(drawer.locator("#drilldown-title")).to_be_focused()
    other = drawer.locator("li.counterpart").first
    other_passage = other.get_attribute("data-passage")
    other.locator("a.drill-link").click()  # a drill-down link pushes its own URL
    expect(page).to_have_url(re.compile(rf"/passages/{other_passage}/$"))
    expect(drawer.locator(f".drilldown[data-passage='{other_passage}']")).to_be_visible()
    expect(drawer.locator("#drilldown-title")).to_be_focused()
    shown = panel_of(page)
    shared = page.url
    screenshot(page, "-drawer")

    page.keyboard.press("Escape")  # closing goes back to the story page's URL
    expect(page.locator("#drilldown")).to_be_hidden()
    expect(page).to_have_url(story_page)

    page.goto(shared)  # the shared URL, opened directly: the same panel, as a page
    expect(page.locator("#drilldown-title")).to_be_visible()
    assert panel_of(page) == shown
    page.get_by_text("Cite this claim").click()
    expect(page.locator("a.permalink")).to_have_text(shared)
    screenshot(page, "-page")


def panel_of(page) -> dict:
    """What the panel shows: its heading, the wording drilled into, the variant table and the counterparts."""
    root = page.locator("#drilldown .drilldown")
    return {
        "title": root.locator("#drilldown-title").inner_text(),
        "clicked": root.locator("blockquote.clicked").inner_text(),
        "table": root.locator("table.variants").inner_text() if root.locator("table.variants").count() else "",
        "counterparts": root.locator("li.counterpart").evaluate_all("rows => rows.map(r => r.id)"),
    }

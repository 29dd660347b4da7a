"""With the Content-Security-Policy on, the pages still work in Chromium, htmx included, and inline script is blocked."""
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .test_story_page import story_url, widest_claim_passage

pytestmark = pytest.mark.django_db(transaction=True)

# Records every CSP violation the page reports (the init script runs before the page's own, outside its CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and console errors."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.errors = errors
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_story_page_works_under_the_csp_drilldown_and_filter_swaps_included(watched, live_server, seed_story,
                                                                           screenshot):
    page = watched
    response = page.goto(story_url(live_server, seed_story))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("typeof htmx") == "object"
    # htmx swap 1: a drill-down into the panel
    passage = widest_claim_passage(page)
    page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']").click()
    drawer = page.locator("#drilldown.open")
    expect(drawer.locator(".counterpart").first).to_be_visible()
    assert drawer.locator(".diff ins, .side-by-side mark").count() >= 1
    page.keyboard.press("Escape")
    # htmx swap 2: a filter change replaces the grid and the URL
    kept = sorted(set(page.locator("#grid abbr.om").evaluate_all("ms => ms.map(m => m.title)")))[0]
    page.get_by_role("checkbox", name=kept, exact=True).check()
    expect(page).to_have_url(re.compile(r"[?&]outlet=\d+"))
    page.wait_for_function("() => new Set([...document.querySelectorAll('#grid abbr.om')].map(m => m.title)).size === 1")
    # The voice bars (SVG) and the coverage shades (classes) render without inline style
    assert page.locator(".share-bar rect").count() >= 5
    screenshot(page)
    assert violations(page) == []  # this page's record ends with the navigation below
    page.goto(f"{live_server.url}{reverse('newsdiff:coverage', args=[seed_story.slug])}")
    shaded = page.locator("table.coverage td.count").first
    assert shaded.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert violations(page) == [] and not [e for e in page.errors if "Content Security Policy" in e]


def test_the_csp_blocks_an_injected_inline_script(watched, live_server, seed_story):
    page = watched
    page.goto(story_url(live_server, seed_story))
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__inlineRan = true"; document.body.append(s); }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__inlineRan") is None
    assert any(v.startswith("script-src") for v in violations(page))

"""What a researcher does on the seed story, in Chromium: read the claim rows, drill in, filter, share the URL."""
import re

import pytest
from django.db.models import Q
from django.urls import reverse
from playwright.sync_api import expect

from newsdiff.models import AlignedPair, Passage, Voice

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def story_url(live_server, story, query=""):
    return f"{live_server.url}{reverse('newsdiff:story', args=[story.slug])}{query}"


def widest_claim_passage(page) -> Passage:
    """The wording shown for the claim most outlets carried: the natural one to drill into."""
    pk = page.evaluate("""() => {
        const rows = [...document.querySelectorAll('tr.claim-row')];
        const width = (r) => Number(r.querySelector('.claim-meta span').textContent);
        const best = rows.reduce((a, b) => (width(b) > width(a) ? b : a));
        return best.querySelector('a.passage-link').dataset.passage; }""")
    return Passage.objects.get(pk=pk)


def summary(page) -> str:
    return page.locator("#grid .summary").inner_text()


def test_claim_rows_line_up_outlets_wordings_and_the_page_stays_short(page, live_server, seed_story):
    response = page.goto(story_url(live_server, seed_story))
    assert len(response.body()) < 60_000
    names = list(Voice.objects.filter(story=seed_story).order_by("position").values_list("name", flat=True))
    expect(page.locator("table.parallel thead th.column-head")).to_have_text(names)
    # Some claim row holds at least two outlets' wordings of the same claim.
    widths = page.locator("tr.claim-row").evaluate_all(
        "rows => rows.map(r => new Set([...r.querySelectorAll('abbr.om')].map(m => m.title)).size)")
    assert max(widths) >= 2
    page.set_viewport_size({"width": 1440, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-1440.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollHeight") < 4500
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(ARTIFACTS / "story-390.png"), full_page=True)


def test_a_fold_opens_in_place_with_the_other_wordings(page, live_server, seed_story, screenshot):
    page.goto(story_url(live_server, seed_story))
    fold = page.locator("tr.claim-row details.wordings").first
    before = fold.locator("a.passage-link").count()
    fold.locator("summary").click()
    opened = page.locator(f"#{fold.get_attribute('id')}[open]")
    expect(opened.locator("a.passage-link").first).to_be_visible()
    assert before == 0 and opened.locator("a.passage-link").count() >= 1
    screenshot(page)


def test_clicking_a_wording_opens_the_drilldown_at_its_own_url(page, live_server, seed_story, screenshot):
    page.goto(story_url(live_server, seed_story))
    passage = widest_claim_passage(page)
    page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']").click()
    drawer = page.locator("#drilldown.open")
    expect(drawer.locator("#drilldown-title")).to_be_focused()
    outlets = set(drawer.locator(".counterpart .outlet .name").all_inner_texts())
    assert len(outlets) >= 2
    # Word differences: a diff, or (a paraphrase sharing under half its words) the two wordings side by side
    assert drawer.locator(".diff ins, .diff del, .side-by-side mark").count() >= 1
    expect(page).to_have_url(re.compile(rf"/passages/{passage.pk}/"))  # a URL to share
    screenshot(page)
    page.keyboard.press("Escape")
    expect(page.locator("#drilldown")).to_be_hidden()


def test_the_outlet_minimum_score_and_status_filters_change_what_is_shown(page, live_server, seed_story, screenshot):
    page.goto(story_url(live_server, seed_story))
    everyone = set(page.locator("#grid abbr.om").evaluate_all("ms => ms.map(m => m.title)"))
    assert len(everyone) >= 3
    before = summary(page)
    kept = sorted(everyone)[0]
    page.get_by_role("checkbox", name=kept, exact=True).check()
    expect(page).to_have_url(re.compile(r"[?&]outlet=\d+"))
    page.wait_for_function("(n) => new Set([...document.querySelectorAll('#grid abbr.om')].map(m => m.title)).size === n", arg=1)
    assert set(page.locator("#grid abbr.om").evaluate_all("ms => ms.map(m => m.title)")) == {kept}
    assert summary(page) != before and re.search(r"[1-9]\d* aligned pairs? shown", summary(page))
    page.reload()
    expect(page.get_by_role("checkbox", name=kept, exact=True)).to_be_checked()
    page.get_by_role("checkbox", name=kept, exact=True).uncheck()
    expect(page).not_to_have_url(re.compile(r"outlet="))

    claims = lambda: int(re.search(r"(\d+) claims?", summary(page)).group(1))  # noqa: E731
    expect(page.locator("#grid .summary")).to_have_text(before)
    wide = claims()
    page.get_by_label("Minimum score").fill("0.9")
    page.get_by_label("Minimum score").press("Enter")
    expect(page).to_have_url(re.compile(r"min_score=0\.9"))
    page.wait_for_function("(n) => !document.querySelector('#grid .summary').textContent.includes(n + ' claims')", arg=wide)
    assert claims() < wide
    page.get_by_label("Minimum score").fill("")
    page.get_by_label("Pairs").select_option("rejected")
    expect(page).to_have_url(re.compile(r"status=rejected"))
    expect(page).not_to_have_url(re.compile(r"min_score=0"))
    rejected = AlignedPair.objects.filter(story=seed_story, status=AlignedPair.Status.REJECTED).count()
    expect(page.locator("#grid .summary")).to_contain_text(f" {rejected} aligned pair")  # the demo's rejected ones
    assert claims() < wide
    screenshot(page)


def test_a_coverage_cell_opens_its_passages(page, live_server, seed_story, screenshot):
    page.goto(f"{live_server.url}{reverse('newsdiff:coverage', args=[seed_story.slug])}")
    cell = page.locator("table.coverage td.count a").first
    count = int(cell.inner_text())
    cell.click()
    drawer = page.locator("#drilldown.open")
    expect(drawer.locator("#drilldown-title")).to_be_focused()
    expect(drawer.locator("ol.cell-list a.passage-link")).to_have_count(count)
    screenshot(page)


def test_the_pages_work_without_javascript(browser, live_server, seed_story, screenshot):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(story_url(live_server, seed_story))
    passage = widest_claim_passage_without_js(page)
    page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']").click()
    expect(page).to_have_url(re.compile(rf"/passages/{passage.pk}/"))
    expect(page.locator("#drilldown-title")).to_be_visible()
    assert page.locator(".counterpart").count() >= 2
    screenshot(page, "-drilldown")
    page.go_back()
    page.locator("tr.claim-row details.wordings summary").first.click()
    page.locator("tr.claim-row details.wordings[open] a.unfold").first.click()  # the fold, as a page
    expect(page.locator("tr.claim-row details.wordings[open] a.passage-link").first).to_be_visible()
    kremlin = Voice.objects.get(story=seed_story, position=1)
    page.locator("#filters summary").click()
    page.get_by_role("checkbox", name=kremlin.name, exact=True).check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"voice={kremlin.slug}"))
    expect(page.locator("table.parallel thead th.column-head")).to_have_text([kremlin.name])
    screenshot(page, "-filtered")
    context.close()


def widest_claim_passage_without_js(page) -> Passage:
    metas = page.locator("tr.claim-row .claim-meta span:first-child").all_inner_texts()
    row = page.locator("tr.claim-row").nth(max(range(len(metas)), key=lambda n: int(metas[n])))
    return Passage.objects.get(pk=row.locator("a.passage-link").first.get_attribute("data-passage"))


def test_the_drilldown_hides_rejected_pairs_unless_asked(page, live_server, seed_story, screenshot):
    page.goto(story_url(live_server, seed_story))
    passage = widest_claim_passage(page)
    pair = AlignedPair.objects.filter(Q(a=passage) | Q(b=passage)).order_by("-score").first()
    other = pair.b if pair.a_id == passage.pk else pair.a
    AlignedPair.objects.filter(pk=pair.pk).update(status=AlignedPair.Status.REJECTED)
    page.reload()
    page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']").click()
    expect(page.locator("#drilldown.open .counterpart").first).to_be_visible()
    assert page.locator("#drilldown .status-rejected").count() == 0
    status = page.locator("select[name=status]")
    status.focus()
    status.select_option("all")  # the open drill-down follows the filter
    expect(page).to_have_url(re.compile("status=all"))
    expect(page.locator(f"#drilldown .status-rejected[data-outlet='{other.article.outlet_id}']")).to_have_count(1)
    expect(status).to_be_focused()  # the refresh does not steal focus
    screenshot(page)

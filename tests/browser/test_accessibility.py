"""axe-core on the researcher's pages (story, coverage, drill-down, article): no serious or critical violation."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from newsdiff.models import Article

from .test_story_page import story_url, widest_claim_passage

pytestmark = pytest.mark.django_db(transaction=True)


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violation_on_the_researchers_pages(page, live_server, seed_story):
    page.goto(story_url(live_server, seed_story))
    found = {"story": serious(page)}
    passage = widest_claim_passage(page)
    page.locator(f"tr.claim-row a.passage-link[data-passage='{passage.pk}']").click()
    page.locator("#drilldown.open .counterpart").first.wait_for()
    found["story with the drill-down open"] = serious(page)
    page.goto(f"{live_server.url}{reverse('newsdiff:passage', args=[seed_story.slug, passage.pk])}")
    found["drill-down page"] = serious(page)
    page.goto(f"{live_server.url}{reverse('newsdiff:coverage', args=[seed_story.slug])}")
    found["coverage"] = serious(page)
    page.goto(f"{live_server.url}{Article.objects.filter(story=seed_story).first().get_absolute_url()}")
    found["article"] = serious(page)
    problems = [f"{name}: {v}" for name, vs in found.items() for v in vs]
    assert not problems, "\n".join(problems)

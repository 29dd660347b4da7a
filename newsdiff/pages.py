"""One context per researcher page: what the view renders, built from the story and the query string.

Each builder takes the objects the view looked up and the request's query
parameters, and returns the template's whole context; the views only find the
object (404 otherwise), call one builder and render.
"""
from __future__ import annotations

from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from .filters import StoryFilterForm
from .models import AlignedPair, Article, Outlet, Passage, Story
from . import grid as grids, parallel, storycache
from .grid import coverage, parallel_grid, passages_in
from .parallel import claim_wordings, drilldown, read_against
from .selectors import Legend, OutletLegend, story_articles


def _filter_form(params: QueryDict, legend: Legend, outlets: OutletLegend) -> StoryFilterForm:
    return StoryFilterForm(params, outlets=outlets.choices(), voices=legend.choices())


def _story_outlets(story: Story) -> OutletLegend:
    """The outlets of the story's articles (1 query, one row an outlet, not an article)."""
    return OutletLegend(Outlet.objects.filter(articles__story=story).distinct().values_list("pk", "name"))


ARTICLES_LISTED = 20  # articles the story page lists with their voice-share bars (coverage lists every one)


def _page_number(params: QueryDict, name: str = "page") -> int:
    """A positive page number from the query string; anything else is the first page."""
    value = params.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1


def _claims_asked(params: QueryDict) -> dict[str, int]:
    """`claims=KEY:N` (repeatable): show N claim rows of exchange KEY."""
    asked = {}
    for value in params.getlist("claims"):
        key, _, n = value.partition(":")
        if n.isdigit():
            asked[key] = min(int(n), 10**4)
    return asked


def story_page(story: Story, params: QueryDict, only: str | None = None) -> dict:
    """One page of the parallel grid (`page=N`), or with `only` the one exchange of that key: exchanges by
    voices (or outlets), with the articles, filters and job state."""
    legend = Legend.of_story(story)
    state = storycache.story_state(story)
    articles = story_articles(story, legend, bars=slice(ARTICLES_LISTED), state=state)
    outlets = OutletLegend.of_articles(articles)
    form = _filter_form(params, legend, outlets)
    filters = form.filters()
    expanded = frozenset(params.getlist("open"))
    grid = parallel_grid(story, filters, legend, outlets, articles, expanded, _page_number(params),
                         _claims_asked(params), only=only, state=state)
    return {"story": story, "articles": articles, "listed_articles": articles[:ARTICLES_LISTED],
            "legend": legend, "outlets": outlets, "form": form, "filters": filters,
            "grid": grid, "query": _without(params, "open", "fold", "page", "claims"),
            "open_fold": params.get("fold", ""), "job": story.jobs.first()}


def exchange_block(story: Story, key: str, params: QueryDict) -> dict | None:
    """One exchange of the story page with its folds filled (`fold` names the one to show open), or None
    if the filters leave nothing of it; `block.page` is the story page's page that shows it."""
    context = story_page(story, _with(params, open=key), only=key)
    block = next((b for b in context["grid"].blocks if b.key == key), None)
    return {**context, "block": block} if block else None


def export_filters(story: Story, params: QueryDict):
    """The story page's filters in `params` for an export of the filtered view, or None when they narrow nothing."""
    legend = Legend.of_story(story)
    filters = _filter_form(params, legend, _story_outlets(story)).filters()
    return filters if filters.narrows_anything else None


def _without(params: QueryDict, *names: str) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


def _with(params: QueryDict, **values: str) -> QueryDict:
    changed = params.copy()
    for name, value in values.items():
        changed[name] = value
    return changed


def passage_page(passage: Passage, params: QueryDict, can_tag: bool, permalink: str = "") -> dict:
    """The drill-down: one passage and the passages aligned to it, a page of COUNTERPARTS_SHOWN at a time
    (`page=N`), word differences marked, the variants of that page in one table, and a citation whose
    permalink (this drill-down's absolute URL) is `permalink`."""
    story = passage.article.story
    legend = Legend.of_story(story)
    outlets = _story_outlets(story)
    filters = _filter_form(params, legend, outlets).filters()
    page = _page_number(params)
    counterparts, total = drilldown(passage, filters, legend, page)
    pages = max(1, -(-total // parallel.COUNTERPARTS_SHOWN))
    return {"story": story, "passage": passage, "legend": legend, "outlets": outlets, "voice": legend.of(passage.voice_id),
            "counterparts": counterparts, "n_counterparts": total, "first_shown": (page - 1) * parallel.COUNTERPARTS_SHOWN + 1,
            "last_shown": (page - 1) * parallel.COUNTERPARTS_SHOWN + len(counterparts),
            "page": page, "previous_page": page - 1 if page > 1 else None, "next_page": page + 1 if page < pages else None,
            "wordings": claim_wordings(passage, counterparts), "filters": filters,
            "query": _without(params, "page"), "can_tag": can_tag, "permalink": permalink,
            "retrieved": timezone.localdate()}


def counterpart_row(pair: AlignedPair, passage: Passage, params: QueryDict) -> dict:
    """One drill-down row after an editor tagged its pair."""
    legend = Legend.of_story(pair.story)
    return {"story": pair.story, "passage": passage, "c": read_against(pair, passage, legend), "can_tag": True,
            "outlets": _story_outlets(pair.story), "query": params.urlencode()}


def coverage_page(story: Story, params: QueryDict) -> dict:
    """Exchanges by outlets (one page of articles, `page=N`), and which outlets carried each claim."""
    legend = Legend.of_story(story)
    page = _page_number(params)
    state = storycache.story_state(story)
    articles = story_articles(story, legend, state=state,
                              bars=slice((page - 1) * grids.COVERAGE_ARTICLES, page * grids.COVERAGE_ARTICLES))
    outlets = OutletLegend.of_articles(articles)
    filters = _filter_form(params, legend, outlets).filters()
    query = _without(params, "page")
    found = coverage(story, filters, articles, page, state)
    for row in found.rows:  # one reverse a row, not one a cell: a page has hundreds of cells
        base = reverse("newsdiff:coverage_cell", args=[story.slug, row.exchange.pk if row.exchange else "none", 0])
        for cell in row.cells:
            cell.url = f"{base[:-2]}{cell.article.id}/" + (f"?{query}" if query else "")
    return {"story": story, "legend": legend, "outlets": outlets, "coverage": found, "query": query}


def coverage_cell_page(story: Story, article: Article, exchange_id: int | None, params: QueryDict) -> dict:
    """One coverage cell opened: the passages of one article in one exchange, as the story page places them."""
    legend = Legend.of_story(story)
    outlets = _story_outlets(story)
    filters = _filter_form(params, legend, outlets).filters()
    try:
        exchange, passages = passages_in(story, filters, exchange_id, article.pk)
    except LookupError as e:
        raise Http404(str(e)) from e
    for p in passages:
        p.colour = legend.of(p.voice_id).colour
    return {"story": story, "article": article, "exchange": exchange, "passages": passages, "outlets": outlets,
            "legend": legend, "query": params.urlencode()}


def article_page(article: Article) -> dict:
    """One article's passages by paragraph, coloured by voice."""
    legend = Legend.of_story(article.story)
    paragraphs: dict[int, list[Passage]] = {}
    for p in article.passages.live().select_related("voice", "speaker").order_by("position"):
        p.colour = legend.of(p.voice_id).colour
        paragraphs.setdefault(p.paragraph, []).append(p)
    return {"story": article.story, "article": article, "paragraphs": list(paragraphs.values()), "legend": legend}

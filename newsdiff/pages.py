"""One context per researcher page: what the view renders, built from the story and the query string.

Each builder takes the objects the view looked up and the request's query
parameters, and returns the template's whole context; the views only find the
object (404 otherwise), call one builder and render.
"""
from __future__ import annotations

from django.http import QueryDict

from .filters import StoryFilterForm
from .models import AlignedPair, Article, Passage, Story
from .parallel import coverage, drilldown, parallel_grid, read_against
from .selectors import Legend, OutletLegend, story_articles


def _filter_form(params: QueryDict, legend: Legend, outlets: OutletLegend) -> StoryFilterForm:
    return StoryFilterForm(params, outlets=outlets.choices(), voices=legend.choices())


def _story_outlets(story: Story) -> OutletLegend:
    return OutletLegend.of_articles(
        Article.objects.filter(story=story).select_related("outlet").only("outlet__name", "story_id"))


def story_page(story: Story, params: QueryDict) -> dict:
    """The parallel grid: exchanges by voices (or outlets), with the articles, filters and job state."""
    legend = Legend.of_story(story)
    articles = story_articles(story, legend)
    outlets = OutletLegend.of_articles(articles)
    form = _filter_form(params, legend, outlets)
    filters = form.filters()
    return {"story": story, "articles": articles, "legend": legend, "outlets": outlets, "form": form, "filters": filters,
            "grid": parallel_grid(story, filters, legend, articles), "query": params.urlencode(),
            "job": story.jobs.first()}


def passage_page(passage: Passage, params: QueryDict, can_tag: bool) -> dict:
    """The drill-down: one passage and every passage aligned to it, word differences marked."""
    story = passage.article.story
    legend = Legend.of_story(story)
    outlets = _story_outlets(story)
    filters = _filter_form(params, legend, outlets).filters()
    return {"story": story, "passage": passage, "legend": legend, "outlets": outlets, "voice": legend.of(passage.voice_id),
            "counterparts": drilldown(passage, filters, legend), "filters": filters,
            "query": params.urlencode(), "can_tag": can_tag}


def counterpart_row(pair: AlignedPair, passage: Passage, params: QueryDict) -> dict:
    """One drill-down row after an editor tagged its pair."""
    legend = Legend.of_story(pair.story)
    return {"story": pair.story, "passage": passage, "c": read_against(pair, passage, legend), "can_tag": True,
            "outlets": _story_outlets(pair.story), "query": params.urlencode()}


def coverage_page(story: Story, params: QueryDict) -> dict:
    """Exchanges by outlets, and which outlets carried each claim."""
    legend = Legend.of_story(story)
    articles = story_articles(story, legend)
    outlets = OutletLegend.of_articles(articles)
    filters = _filter_form(params, legend, outlets).filters()
    return {"story": story, "legend": legend, "outlets": outlets, "coverage": coverage(story, filters, articles),
            "query": params.urlencode()}


def article_page(article: Article) -> dict:
    """One article's passages by paragraph, coloured by voice."""
    legend = Legend.of_story(article.story)
    paragraphs: dict[int, list[Passage]] = {}
    for p in article.passages.live().select_related("voice", "speaker").order_by("position"):
        p.colour = legend.of(p.voice_id).colour
        paragraphs.setdefault(p.paragraph, []).append(p)
    return {"story": article.story, "article": article, "paragraphs": list(paragraphs.values()), "legend": legend}

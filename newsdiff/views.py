import json

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from . import editing
from .export import story_export, write_pairs_csv
from .filters import PairTagForm, StoryFilterForm
from .models import AlignedPair, Article, Passage, Story
from .parallel import coverage, drilldown, parallel_grid, read_against, story_articles
from .selectors import voice_legend

TAG_PERMISSION = "newsdiff.change_alignedpair"


def _fragment(request, template: str, partial: str) -> str:
    """The whole page, or only `partial` when htmx asks for it (but not when it restores history)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template


def _filter_form(request, legend: list[dict], outlets: list[tuple[int, str]]) -> StoryFilterForm:
    return StoryFilterForm(request.GET, outlets=outlets, voices=[(v["slug"], v["name"]) for v in legend])


def _outlets(articles) -> list[tuple[int, str]]:
    return sorted({(a.outlet_id, a.outlet.name) for a in articles}, key=lambda o: o[1].casefold())


@require_GET
def story_list(request):
    stories = Story.objects.annotate(n_articles=Count("articles")).order_by("-date", "slug")
    return render(request, "newsdiff/story_list.html", {"stories": stories})


@require_GET
@vary_on_headers("HX-Request")
def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    legend = voice_legend(story)
    articles = story_articles(story, legend)
    form = _filter_form(request, legend, _outlets(articles))
    filters = form.filters()
    grid = parallel_grid(story, filters, legend, articles)
    context = {"story": story, "articles": articles, "legend": legend, "form": form, "filters": filters,
               "grid": grid, "query": request.GET.urlencode(), "job": story.jobs.first()}
    return render(request, _fragment(request, "newsdiff/story_detail.html", "grid"), context)


@require_GET
def story_job(request, slug):
    """The story's alignment state, which the story page polls while a job is queued or running.

    Polled (`?polling=1`) after the job ended, it asks htmx to reload the page, whose grid is now new.
    """
    story = get_object_or_404(Story, slug=slug)
    job = story.jobs.first()
    response = render(request, "newsdiff/_job_state.html", {"story": story, "job": job})
    if request.GET.get("polling") and request.htmx and not (job and job.is_active):
        response["HX-Refresh"] = "true"
    return response


@require_GET
@vary_on_headers("HX-Request")
def passage_detail(request, slug, passage_id):
    passage = get_object_or_404(
        Passage.objects.select_related("article__story", "article__outlet", "voice", "speaker", "exchange"),
        pk=passage_id, article__story__slug=slug,
    )
    story = passage.article.story
    legend = voice_legend(story)
    articles = Article.objects.filter(story=story).select_related("outlet").only("outlet__name", "story_id")
    filters = _filter_form(request, legend, _outlets(articles)).filters()
    context = {
        "story": story, "passage": passage, "legend": legend,
        "voice": next((v for v in legend if v["pk"] == passage.voice_id), {}),
        "counterparts": drilldown(passage, filters, legend), "filters": filters,
        "query": request.GET.urlencode(), "can_tag": request.user.has_perm(TAG_PERMISSION),
    }
    return render(request, _fragment(request, "newsdiff/passage_detail.html", "drilldown"), context)


@require_POST
def tag_pair(request, slug, pair_id):
    """An editor confirms, rejects or relabels a pair from the drill-down (htmx swaps the row)."""
    if not request.user.has_perm(TAG_PERMISSION):
        raise PermissionDenied("only editors tag pairs")
    pair = get_object_or_404(
        AlignedPair.objects.select_related("story", "a__article__outlet", "b__article__outlet"),
        pk=pair_id, story__slug=slug,
    )
    form = PairTagForm(request.POST)
    if not form.is_valid() or form.cleaned_data["viewed_from"] not in (pair.a_id, pair.b_id):
        return HttpResponseBadRequest("a tag needs a status or relation from the lists, "
                                      "and viewed_from: one of the pair's passages")
    editing.tag_pairs([pair], request.user, **form.changes())
    passage = pair.a if form.cleaned_data["viewed_from"] == pair.a_id else pair.b
    if not request.htmx:
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("newsdiff:passage", args=[slug, passage.pk])
        return redirect(back)
    legend = voice_legend(pair.story)
    context = {"story": pair.story, "passage": passage, "c": read_against(pair, passage, legend), "can_tag": True,
               "query": request.GET.urlencode()}
    return render(request, "newsdiff/passage_detail.html#counterpart", context)


@require_GET
def story_coverage(request, slug):
    story = get_object_or_404(Story, slug=slug)
    legend = voice_legend(story)
    articles = story_articles(story, legend)
    filters = _filter_form(request, legend, _outlets(articles)).filters()
    context = {"story": story, "legend": legend, "coverage": coverage(story, filters, articles),
               "query": request.GET.urlencode()}
    return render(request, "newsdiff/coverage.html", context)


@require_GET
def article_detail(request, slug, article_id):
    article = get_object_or_404(Article.objects.select_related("story", "outlet"), pk=article_id, story__slug=slug)
    legend = voice_legend(article.story)
    colour_of = {v["pk"]: v["colour"] for v in legend}
    passages = article.passages.live().select_related("voice", "speaker").order_by("position")
    paragraphs: dict[int, list] = {}
    for p in passages:
        p.colour = colour_of.get(p.voice_id, "voice-default")
        paragraphs.setdefault(p.paragraph, []).append(p)
    return render(
        request,
        "newsdiff/article_detail.html",
        {"story": article.story, "article": article, "paragraphs": list(paragraphs.values()), "legend": legend},
    )


@require_GET
def story_download(request, slug, fmt):
    if fmt not in ("json", "csv"):
        raise Http404("export formats are json and csv")
    story = get_object_or_404(Story, slug=slug)
    data = story_export(story)
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        write_pairs_csv(data, response)
    response["Content-Disposition"] = f'attachment; filename="{story.slug}.{fmt}"'
    return response

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from . import editing, pages
from .export import CSV_COLUMNS, PASSAGE_CSV_COLUMNS, csv_lines, pair_rows, passage_rows, story_json
from .filters import PairTagForm
from .models import AlignedPair, Article, Passage, Story

TAG_PERMISSION = "newsdiff.change_alignedpair"
PAIR_TAGGED = "pairTagged"  # the client event a tag response carries (HX-Trigger)


def _fragment(request, template: str, partial: str) -> str:
    """The whole page, or only `partial` when htmx asks for it (but not when it restores history)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{partial}"
    return template


@require_GET
def story_list(request):
    stories = Story.objects.annotate(n_articles=Count("articles")).order_by("-date", "slug")
    return render(request, "newsdiff/story_list.html", {"stories": stories})


@require_GET
@vary_on_headers("HX-Request")
def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(request, _fragment(request, "newsdiff/story_detail.html", "grid"), pages.story_page(story, request.GET))


@require_GET
def story_more(request, slug, page):
    """The next page of the story page's exchanges: htmx swaps it in for the sentinel at the end of the grid
    when it scrolls into view; without JavaScript the sentinel's link opens the story page at that page."""
    story = get_object_or_404(Story, slug=slug)
    if not request.htmx:
        query = request.GET.copy()
        query["page"] = page
        return redirect(f"{reverse('newsdiff:story', args=[slug])}?{query.urlencode()}")
    return render(request, "newsdiff/story_detail.html#blocks", pages.story_page(story, _with_page(request.GET, page)))


def _with_page(params, page: int):
    changed = params.copy()
    changed["page"] = str(page)
    return changed


@require_GET
@vary_on_headers("HX-Request")
def story_exchange(request, slug, exchange):
    """One exchange of the story page with its folded wordings filled in: htmx swaps it in when a fold
    opens or more claims are asked for; without JavaScript the story page shows it so (`?open=`, at the
    page that has it)."""
    story = get_object_or_404(Story, slug=slug)
    context = pages.exchange_block(story, exchange, request.GET)
    if not request.htmx:
        query = request.GET.copy()
        query["open"] = exchange
        if context:
            query["page"] = context["block"].page
        return redirect(f"{reverse('newsdiff:story', args=[slug])}?{query.urlencode()}#x{exchange}")
    if context is None:
        raise Http404("no such exchange under these filters")
    return render(request, "newsdiff/story_detail.html#block", context)


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
    context = pages.passage_page(passage, request.GET, can_tag=request.user.has_perm(TAG_PERMISSION),
                                 permalink=request.build_absolute_uri())
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
    was = pair.status
    try:
        if form.cleaned_data["undo"]:
            editing.untag_pairs([pair], request.user)
        else:
            editing.tag_pairs([pair], request.user, **form.changes())
    except editing.DecisionError as e:
        return HttpResponse(str(e), status=409, content_type="text/plain; charset=utf-8")
    passage = pair.a if form.cleaned_data["viewed_from"] == pair.a_id else pair.b
    if not request.htmx:
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("newsdiff:passage", args=[slug, passage.pk])
        return redirect(back)
    response = render(request, "newsdiff/passage_detail.html#counterpart",
                      pages.counterpart_row(pair, passage, request.GET))
    # The story page listens, to update the two passages' ⇄ counts without a reload.
    return trigger_client_event(response, PAIR_TAGGED, {"pair": pair.pk, "passages": [pair.a_id, pair.b_id],
                                                        "status": pair.status, "was": was})


@require_GET
def story_coverage(request, slug):
    story = get_object_or_404(Story, slug=slug)
    return render(request, "newsdiff/coverage.html", pages.coverage_page(story, request.GET))


@require_GET
@vary_on_headers("HX-Request")
def coverage_cell(request, slug, exchange, article_id):
    """The passages one coverage cell counts (`exchange` is an exchange id, or "none" for ungrouped ones)."""
    story = get_object_or_404(Story, slug=slug)
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=article_id, story=story)
    if exchange != "none" and not exchange.isdigit():
        raise Http404("an exchange is its id, or none")
    context = pages.coverage_cell_page(story, article, None if exchange == "none" else int(exchange), request.GET)
    return render(request, _fragment(request, "newsdiff/coverage_cell.html", "passages"), context)


@require_GET
def how_to_read(request):
    return render(request, "newsdiff/how_to_read.html")


@require_GET
def article_detail(request, slug, article_id):
    article = get_object_or_404(Article.objects.select_related("story", "outlet"), pk=article_id, story__slug=slug)
    return render(request, "newsdiff/article_detail.html", pages.article_page(article))


@require_GET
def story_download(request, slug, fmt):
    """The story as JSON, its pairs as CSV, or (`passages.csv`) its passages as CSV; with the story page's
    filters in the query string, only what the page shows under them. Streamed as it is read: the first
    bytes leave at once and the server's memory stays flat whatever the story's size."""
    if fmt not in ("json", "csv", "passages-csv"):
        raise Http404("export formats are json and csv")
    story = get_object_or_404(Story, slug=slug)
    filters = pages.export_filters(story, request.GET)
    if fmt == "json":
        response = StreamingHttpResponse(story_json(story, filters), content_type="application/json")
    elif fmt == "csv":
        response = StreamingHttpResponse(csv_lines(pair_rows(story, filters), CSV_COLUMNS),
                                         content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(csv_lines(passage_rows(story, filters), PASSAGE_CSV_COLUMNS),
                                         content_type="text/csv; charset=utf-8")
    name = f"{story.slug}-passages.csv" if fmt == "passages-csv" else f"{story.slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

import json

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .export import story_export, write_pairs_csv
from .models import Article, Story
from .selectors import voice_bars, voice_legend


@require_GET
def story_list(request):
    stories = Story.objects.annotate(n_articles=Count("articles")).order_by("-date", "slug")
    return render(request, "newsdiff/story_list.html", {"stories": stories})


@require_GET
def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    articles = list(
        Article.objects.filter(story=story)
        .select_related("outlet")
        .annotate(n_passages=Count("passages"))
        .order_by("source")
    )
    legend = voice_legend(story)
    bars = voice_bars(story, legend)
    for article in articles:
        article.voice_bar = bars.get(article.pk, [])
    return render(request, "newsdiff/story_detail.html", {"story": story, "articles": articles, "legend": legend})


@require_GET
def article_detail(request, slug, article_id):
    article = get_object_or_404(Article.objects.select_related("story", "outlet"), pk=article_id, story__slug=slug)
    legend = voice_legend(article.story)
    colour_of = {v["pk"]: v["colour"] for v in legend}
    passages = article.passages.select_related("voice", "speaker").order_by("position")
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

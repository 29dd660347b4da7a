import json

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .export import story_export, write_pairs_csv
from .models import Article, Story


@require_GET
def story_list(request):
    stories = Story.objects.annotate(n_articles=Count("articles")).order_by("-date", "slug")
    return render(request, "newsdiff/story_list.html", {"stories": stories})


@require_GET
def story_detail(request, slug):
    story = get_object_or_404(Story, slug=slug)
    articles = (
        Article.objects.filter(story=story)
        .select_related("outlet")
        .annotate(n_passages=Count("passages"))
        .order_by("source")
    )
    return render(request, "newsdiff/story_detail.html", {"story": story, "articles": articles})


@require_GET
def article_detail(request, slug, article_id):
    article = get_object_or_404(Article.objects.select_related("story", "outlet"), pk=article_id, story__slug=slug)
    passages = article.passages.select_related("voice", "speaker").order_by("position")
    paragraphs: dict[int, list] = {}
    for p in passages:
        paragraphs.setdefault(p.paragraph, []).append(p)
    return render(
        request,
        "newsdiff/article_detail.html",
        {"story": article.story, "article": article, "paragraphs": list(paragraphs.values())},
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

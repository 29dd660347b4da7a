import json

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .export import story_export, voice_shares, write_pairs_csv
from .models import Article, Passage, Story

PALETTE_SIZE = 6  # colour classes voice-c0 .. voice-c5 in newsdiff.css


def voice_legend(story: Story) -> list[dict]:
    """The story's voices in column order, each with its colour class (the default voice is grey)."""
    legend = []
    official = 0
    for voice in story.voices.order_by("position"):
        colour = "voice-default" if voice.is_default else f"voice-c{official % PALETTE_SIZE}"
        official += not voice.is_default
        legend.append({"slug": voice.slug, "name": voice.name, "colour": colour, "pk": voice.pk})
    return legend


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
    slug_of = {v["pk"]: v["slug"] for v in legend}
    words = Passage.objects.filter(article__story=story).values_list("article_id", "voice_id", "text")
    shares = voice_shares([(a, slug_of.get(v), t) for a, v, t in words], [v["slug"] for v in legend])
    for article in articles:
        share = shares.get(article.pk, {})
        article.voice_bar = [
            {**v, "share": share.get(v["slug"], 0), "percent": round(100 * share.get(v["slug"], 0))}
            for v in legend
            if share.get(v["slug"])
        ]
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

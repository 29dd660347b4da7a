"""The researcher's pages, under the `newsdiff` namespace."""
from django.urls import include, path

from . import views

app_name = "newsdiff"

story_patterns = [
    path("", views.story_detail, name="story"),
    path("page/<int:page>/", views.story_more, name="story_page"),
    path("exchanges/<str:exchange>/", views.story_exchange, name="exchange"),
    path("coverage/", views.story_coverage, name="coverage"),
    path("coverage/<str:exchange>/<int:article_id>/", views.coverage_cell, name="coverage_cell"),
    path("job/", views.story_job, name="job"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
    path("passages/<int:passage_id>/", views.passage_detail, name="passage"),
    path("pairs/<int:pair_id>/tag/", views.tag_pair, name="tag_pair"),
    path("export.<str:fmt>", views.story_download, name="export"),
    path("passages.csv", views.story_download, {"fmt": "passages-csv"}, name="export_passages"),
]

urlpatterns = [
    path("", views.story_list, name="stories"),
    path("how-to-read/", views.how_to_read, name="how_to_read"),
    path("stories/<slug:slug>/", include(story_patterns)),
]

from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("newsdiff.story_urls")),
]

# A database too busy to answer is a 503 page, not a 500 (newsdiff.middleware).
handler500 = "newsdiff.middleware.server_error"

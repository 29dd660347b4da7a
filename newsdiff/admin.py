"""Plain admin registrations; the editor's workflow shapes them further."""
from django.contrib import admin

from .models import AlignedPair, AlignmentJob, Article, Exchange, Outlet, Passage, Speaker, Story, Voice


class VoiceInline(admin.TabularInline):
    model = Voice
    extra = 0


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "date"]
    search_fields = ["title", "slug"]
    inlines = [VoiceInline]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "story", "voice", "origin"]
    list_filter = ["story", "origin"]
    search_fields = ["name"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "story", "source", "published"]
    list_filter = ["story", "outlet"]
    list_select_related = ["outlet", "story"]
    search_fields = ["title", "source"]
    readonly_fields = ["raw_text", "body", "content_hash", "encoding"]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "kind", "voice", "speaker", "voice_decided_by"]
    list_filter = ["article__story", "kind", "voice_decided_by"]
    list_select_related = ["article__outlet", "voice", "speaker"]
    raw_id_fields = ["article", "exchange"]
    search_fields = ["text"]


@admin.register(AlignedPair)
class AlignedPairAdmin(admin.ModelAdmin):
    list_display = ["__str__", "story", "score", "relation", "status", "tagged_by"]
    list_filter = ["story", "status", "relation"]
    raw_id_fields = ["a", "b", "tagged_by"]


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["title", "story", "position"]
    list_filter = ["story"]


@admin.register(AlignmentJob)
class AlignmentJobAdmin(admin.ModelAdmin):
    list_display = ["story", "status", "created_at", "finished_at"]
    list_filter = ["status"]

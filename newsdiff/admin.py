"""The editor's workflow in the Django admin: tag pairs, fix voices, regroup exchanges, run the jobs.

Presentation only: every editor decision (a form save, a list edit, an action)
is handed to `editing`, which checks it, stamps who and when and writes the admin log.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from . import editing
from .attribution import attribute_story
from .jobs import JobAlreadyActive, start_alignment
from .queueing import InlineJobRefused, ensure_web_request_may_start_jobs
from .models import AlignedPair, AlignmentJob, Article, Exchange, Outlet, Passage, Speaker, Story, Voice
from .text.diff import word_diff

admin.site.site_header = "newsdiff editors"
admin.site.site_title = "newsdiff"
admin.site.index_title = "Stories, alignments and their tags"


def _trim(text: str, words: int = 12) -> str:
    return Truncator(text).words(words, truncate=" …")


def _changes(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data}


class DecisionForm(forms.ModelForm):
    """A form whose validation asks `editing.check` whether the change fits the story."""

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.has_changed():
            return cleaned
        try:
            if self.instance.pk:
                editing.check(type(self.instance).objects.get(pk=self.instance.pk), **_changes(self))
            else:
                editing.check_new(type(self.instance)(**cleaned))
        except editing.DecisionError as e:
            raise forms.ValidationError(str(e)) from None
        return cleaned


class CheckedChangeList(ChangeList):
    """A changelist whose query-string lookups the database cannot take (an id of 20 digits
    overflows SQLite's integer) answer as any other bad lookup: the list with an error flag."""

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as e:
            raise IncorrectLookupParameters(e) from e


class NewsdiffAdmin(admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return CheckedChangeList


class DecisionAdmin(NewsdiffAdmin):
    """A model whose editable fields are editors' decisions.

    A save (change form or list edit) hands the form's changes to `editing.edit` (a new row to
    `editing.add`), which stores, stamps and logs them; the admin's own log entry would say it
    twice, so `log_change` / `log_addition` write nothing. A decision that does not fit the story
    is shown as the form's error, and nothing is stored.
    """

    form = DecisionForm

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=DecisionForm, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            editing.edit(self.model.objects.get(pk=obj.pk), request.user, **_changes(form))
        else:
            editing.add(obj, request.user)

    def log_change(self, request, obj, message):
        return None

    def log_addition(self, request, obj, message):
        return None


# Stories, voices, jobs ------------------------------------------------------------------------


class VoiceInline(admin.TabularInline):
    model = Voice
    extra = 0
    fields = ["position", "slug", "name", "is_default", "institutions"]


class NewStoryForm(forms.Form):
    title = forms.CharField(max_length=300)
    slug = forms.SlugField(max_length=100, help_text="The story's address: letters, digits, '-' and '_'.")
    date = forms.DateField(required=False, help_text="The day of the exchange (2024-03-01).")
    voices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=False,
        help_text="One side a line, its name, a colon and the people who speak for it: "
                  "“White House: Joe Biden, Jake Sullivan”.")
    default_voice = forms.CharField(max_length=100, initial="Press",
                                    help_text="The column for everything no side's speaker says.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's recipe): the cleaned value is a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class AddArticlesForm(forms.Form):
    files = MultipleFileField(required=False, label="Files",
                              help_text="Article files: plain text (.txt) or saved web pages (.html).")
    pasted = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), required=False,
                             label="Pasted text", help_text="An article's text, its headline on the first line.")
    pasted_name = forms.CharField(max_length=255, required=False, label="Name of the pasted text",
                                  help_text="A file name such as planet-2024-03-02.txt (else one is made).")
    url = forms.URLField(max_length=1000, required=False, assume_scheme="https", label="URL",
                         help_text="A web page to fetch.")
    outlet = forms.CharField(max_length=200, required=False,
                             help_text="The outlet of these articles, if their text or page does not say.")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("files") or (cleaned.get("pasted") or "").strip() or cleaned.get("url")):
            raise forms.ValidationError("Give at least one article: a file, a pasted text or a URL.")
        return cleaned


@admin.register(Story)
class StoryAdmin(NewsdiffAdmin):
    """Presentation only: a new story and its articles are made by `editing.create_story` and
    `editing.add_articles` (the checks and storage of `ingest`)."""

    list_display = ["title", "slug", "date", "n_articles"]
    search_fields = ["title", "slug"]
    inlines = [VoiceInline]
    actions = ["run_alignment", "run_attribution"]
    change_form_template = "admin/newsdiff/story/change_form_with_articles.html"

    def get_urls(self):
        return [path("<path:object_id>/add-articles/", self.admin_site.admin_view(self.add_articles_view),
                     name="newsdiff_story_add_articles"), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """A story is made from a title, a slug and its voices, as a story.toml gives them."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NewStoryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                story = editing.create_story(request.user, **form.cleaned_data)
            except editing.DecisionError as e:
                form.add_error(None, str(e))
            else:
                self.message_user(request, f"Story “{story.title}” created with voices "
                                           f"{', '.join(v.name for v in story.voices.all())}. Now add its articles.",
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:newsdiff_story_add_articles", args=[story.pk]))
        return render(request, "admin/newsdiff/story/new_story.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": "Add story", "media": self.media + form.media})

    def add_articles_view(self, request, object_id):
        story = get_object_or_404(Story, pk=object_id)
        if not request.user.has_perm("newsdiff.add_article"):
            raise PermissionDenied
        form = AddArticlesForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                ensure_web_request_may_start_jobs()  # production: the job goes to the worker's queue, never inline here
                refused = None
            except InlineJobRefused as e:
                refused = e
            results, warnings, job = editing.add_articles(story, request.user, **form.cleaned_data,
                                                          align=refused is None)
            if refused is not None:
                self.message_user(request, f"Articles stored; no alignment started: {refused}", messages.WARNING)
            for r in results:
                level = messages.ERROR if r.outcome == "failed" else messages.SUCCESS
                self.message_user(request, f"{r.outcome} {r.source}" + (f": {r.message}" if r.message else ""), level)
            for warning in warnings:
                self.message_user(request, f"warning: {warning}", messages.WARNING)
            if job is not None:
                job.refresh_from_db()  # an inline backend has run it already
                shown = "" if job.status == AlignmentJob.Status.SUCCEEDED else ": the story page shows its progress"
                level = messages.ERROR if job.status == AlignmentJob.Status.FAILED else messages.INFO
                self.message_user(request, f"alignment job {job.pk} {job.status}{shown}", level)
            return HttpResponseRedirect(request.path)
        return render(request, "admin/newsdiff/story/add_articles.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "story": story,
            "original": story, "title": f"Add articles to “{story.title}”", "media": self.media + form.media,
            "articles": story.articles.select_related("outlet").order_by("source")})

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles"))

    @admin.display(description="articles", ordering="n_articles")
    def n_articles(self, story):
        return story.n_articles

    @admin.action(description="Run alignment for the selected stories", permissions=["run_alignment"])
    def run_alignment(self, request, queryset):
        try:
            ensure_web_request_may_start_jobs()  # production: the job goes to the worker's queue, never inline here
        except InlineJobRefused as e:
            self.message_user(request, f"No alignment started: {e}", messages.ERROR)
            return
        for story in queryset:
            try:
                job = start_alignment(story)
            except JobAlreadyActive as e:
                self.message_user(request, str(e), messages.ERROR)
                continue
            job.refresh_from_db()
            level = messages.ERROR if job.status == AlignmentJob.Status.FAILED else messages.SUCCESS
            waiting = " (the worker runs it; the story page follows it)" if job.status == AlignmentJob.Status.QUEUED else ""
            self.message_user(request, f"{story.slug}: alignment job {job.pk} {job.status}{waiting}", level)

    def has_run_alignment_permission(self, request):
        return request.user.has_perm("newsdiff.run_alignment")

    @admin.action(description="Re-run voice attribution for the selected stories", permissions=["run_attribution"])
    def run_attribution(self, request, queryset):
        for story in queryset:
            articles, changed = attribute_story(story)
            self.message_user(request, f"{story.slug}: attribution re-run on {articles} articles, "
                                       f"{changed} passages changed (editors' labels kept)", messages.SUCCESS)

    def has_run_attribution_permission(self, request):
        return request.user.has_perm("newsdiff.run_attribution")


@admin.register(AlignmentJob)
class AlignmentJobAdmin(NewsdiffAdmin):
    list_display = ["pk", "story", "status", "progress", "pairs_created", "pairs_updated", "pairs_kept",
                    "pairs_removed", "created_at", "finished_at"]
    list_filter = ["status", "story"]
    list_select_related = ["story"]

    @admin.display(description="progress")
    def progress(self, job):
        return f"{job.progress_done}/{job.progress_total}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Speakers -------------------------------------------------------------------------------------


@admin.register(Speaker)
class SpeakerAdmin(DecisionAdmin):
    """People attribution found (origin "detected"): in the voice of the side the articles agree their title
    names ("East Deputy Minister"), else the default voice, until an editor assigns one (origin "editor")."""

    list_display = ["name", "story", "voice", "origin", "n_passages", "edited_by", "edited_at"]
    list_editable = ["voice"]
    list_filter = ["origin", "story"]
    list_select_related = ["story", "voice"]
    search_fields = ["name"]
    fields = ["story", "name", "voice", "aliases", "origin", "edited_by", "edited_at"]
    actions = ["run_attribution"]

    def get_readonly_fields(self, request, obj=None):
        return ["origin", "edited_by", "edited_at", *(["story"] if obj else [])]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_passages=Count("passages"))

    @admin.display(description="passages", ordering="n_passages")
    def n_passages(self, speaker):
        return speaker.n_passages

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "voice":
            kwargs["queryset"] = Voice.objects.select_related("story")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Re-run voice attribution for these speakers' stories", permissions=["run_attribution"])
    def run_attribution(self, request, queryset):
        for story in Story.objects.filter(speakers__in=queryset).distinct():
            articles, changed = attribute_story(story)
            self.message_user(request, f"{story.slug}: attribution re-run on {articles} articles, "
                                       f"{changed} passages changed (editors' labels kept)", messages.SUCCESS)

    def has_run_attribution_permission(self, request):
        return request.user.has_perm("newsdiff.run_attribution")


# Articles and passages ------------------------------------------------------------------------


class PassageInline(admin.TabularInline):
    """An article's passages: only the voice and speaker are the editor's to set."""

    model = Passage
    form = DecisionForm
    extra = 0
    can_delete = False
    fields = ["position", "text", "kind", "voice", "speaker", "voice_decided_by", "exchange"]
    readonly_fields = ["position", "text", "kind", "voice_decided_by", "exchange"]
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            formset.form.base_fields["voice"].queryset = Voice.objects.filter(story=obj.story_id)
            formset.form.base_fields["speaker"].queryset = Speaker.objects.filter(story=obj.story_id)
        return formset


@admin.register(Outlet)
class OutletAdmin(NewsdiffAdmin):
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(NewsdiffAdmin):
    list_display = ["title", "outlet", "story", "source", "published"]
    list_filter = ["story", "outlet"]
    list_select_related = ["outlet", "story"]
    search_fields = ["title", "source"]
    # Ingest owns the article; an editor changes only its passages' voices and speakers (the inline).
    fields = ["story", "outlet", "source", "title", "author", "url", "published", "encoding", "content_hash", "body",
              "raw_text"]
    readonly_fields = fields
    inlines = [PassageInline]

    def has_add_permission(self, request):
        return False  # articles are added to a story ("Add articles" on its page), checked as ingest checks them

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # only to list what changed for the article's own log entry
        for passage_form in formset.forms:
            if passage_form.has_changed():
                editing.edit(Passage.objects.get(pk=passage_form.instance.pk), request.user,
                             **_changes(passage_form))


class MoveToExchangeForm(forms.Form):
    exchange = forms.ModelChoiceField(queryset=Exchange.objects.none(), label="Move to exchange")

    def __init__(self, *args, story_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exchange"].queryset = Exchange.objects.filter(story__in=story_ids).select_related("story")


@admin.register(Passage)
class PassageAdmin(DecisionAdmin):
    list_display = ["short_text", "outlet", "kind", "voice", "speaker", "voice_decided_by", "exchange", "retired_at"]
    list_filter = ["article__story", "kind", "voice_decided_by", "exchange_decided_by", "voice"]
    list_select_related = ["article__outlet", "voice", "speaker", "exchange"]
    raw_id_fields = ["article", "exchange", "speaker"]
    search_fields = ["text"]
    fields = ["article", "position", "text", "kind", "voice", "speaker", "exchange", "voice_rule",
              "voice_decided_by", "voice_edited_by", "voice_edited_at", "exchange_decided_by", "exchange_edited_by",
              "exchange_edited_at"]
    readonly_fields = ["article", "position", "text", "kind", "voice_rule", "voice_decided_by", "voice_edited_by",
                       "voice_edited_at", "exchange_decided_by", "exchange_edited_by", "exchange_edited_at"]
    actions = ["move_to_exchange"]

    def has_add_permission(self, request):
        return False  # passages come from ingest

    @admin.display(description="passage")
    def short_text(self, passage):
        return _trim(passage.text, 14)

    @admin.display(description="outlet", ordering="article__outlet__name")
    def outlet(self, passage):
        return passage.article.outlet.name

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "voice":
            passage = Passage.objects.filter(pk=request.resolver_match.kwargs.get("object_id")).first()
            if passage:
                kwargs["queryset"] = Voice.objects.filter(story=passage.article.story_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Move the selected passages to another exchange", permissions=["change"])
    def move_to_exchange(self, request, queryset):
        queryset = queryset.select_related("article")
        story_ids = sorted({p.article.story_id for p in queryset})
        if "apply" in request.POST:
            form = MoveToExchangeForm(request.POST, story_ids=story_ids)
            if form.is_valid():
                try:
                    moved = editing.move_passages(queryset, form.cleaned_data["exchange"], request.user)
                except editing.DecisionError as e:
                    self.message_user(request, str(e), messages.ERROR)
                    return None
                self.message_user(request, f"{moved} passage(s) moved to “{form.cleaned_data['exchange']}”.")
                return None
        else:
            form = MoveToExchangeForm(story_ids=story_ids)
        return render(request, "admin/newsdiff/passage/move_to_exchange.html", {
            **self.admin_site.each_context(request), "title": "Move passages to another exchange",
            "form": form, "passages": queryset, "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })


# Exchanges ------------------------------------------------------------------------------------


class ExchangePassageInline(admin.TabularInline):
    model = Passage
    fk_name = "exchange"
    extra = 0
    can_delete = False
    fields = ["text", "voice", "exchange_decided_by"]
    readonly_fields = ["text", "voice", "exchange_decided_by"]
    verbose_name_plural = "passages (move them with the passages list's action)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Exchange)
class ExchangeAdmin(DecisionAdmin):
    list_display = ["title", "position", "story", "n_passages", "is_other", "edited_by", "edited_at"]
    list_display_links = None
    list_editable = ["title", "position"]
    list_filter = ["story", "is_other"]
    list_select_related = ["story"]
    ordering = ["story", "position", "pk"]
    fields = ["story", "title", "position", "is_other", "edited_by", "edited_at"]
    inlines = [ExchangePassageInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_passages=Count("passages"))

    @admin.display(description="passages", ordering="n_passages")
    def n_passages(self, exchange):
        return exchange.n_passages

    def get_readonly_fields(self, request, obj=None):
        return ["edited_by", "edited_at", *(["story"] if obj else [])]

    @admin.action(description="Merge the selected exchanges into the first", permissions=["change", "delete"])
    def merge(self, request, queryset):
        try:
            kept = editing.merge_exchanges(queryset, request.user)
        except editing.DecisionError as e:
            self.message_user(request, str(e), messages.ERROR)
            return
        self.message_user(request, f"Merged into “{kept.title}”.", messages.SUCCESS)


# Aligned pairs --------------------------------------------------------------------------------


class CheckedListFilter(admin.SimpleListFilter):
    """A list filter that only applies a value it offers: anything else from the query string
    (a word for an id, a 20-digit number, SQL) shows the unfiltered list with a message,
    as the researcher's filters do, instead of reaching the database."""

    def value(self):
        value = super().value()
        return value if value in self._offered else None

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self._offered = {str(key) for key, _ in self.lookup_choices}
        raw = super().value()
        if raw is not None and raw not in self._offered:
            messages.warning(request, f"Ignored the {self.title} filter: {raw[:40]!r} is not one of its choices.")


class OutletFilter(CheckedListFilter):
    title = "outlet (either side)"
    parameter_name = "outlet"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in
                Outlet.objects.filter(articles__isnull=False).distinct().values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(a__article__outlet=self.value()) | Q(b__article__outlet=self.value()))
        return queryset


class VoiceFilter(CheckedListFilter):
    title = "voice (either side)"
    parameter_name = "voice"

    def lookups(self, request, model_admin):
        return [(slug, name) for slug, name in Voice.objects.values_list("slug", "name").distinct().order_by("slug")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(a__voice__slug=self.value()) | Q(b__voice__slug=self.value()))
        return queryset


class ScoreBandFilter(CheckedListFilter):
    title = "score band"
    parameter_name = "band"
    BANDS = {"low": (None, 0.5), "mid": (0.5, 0.7), "high": (0.7, None)}

    def lookups(self, request, model_admin):
        return [("low", "below 0.5"), ("mid", "0.5 to 0.7"), ("high", "0.7 and above")]

    def queryset(self, request, queryset):
        low, high = self.BANDS.get(self.value(), (None, None))
        if low is not None:
            queryset = queryset.filter(score__gte=low)
        if high is not None:
            queryset = queryset.filter(score__lt=high)
        return queryset


def _relation_action(relation: str, label: str):
    """An admin action that sets one relation on the selected pairs."""

    def set_relation(modeladmin, request, queryset):
        modeladmin._tag(request, queryset, relation=relation)

    set_relation.__name__ = f"mark_{relation}"
    return admin.action(description=f"Relation: {label}", permissions=["change"])(set_relation)


@admin.register(AlignedPair)
class AlignedPairAdmin(DecisionAdmin):
    list_display = ["pk", "a_text", "a_side", "b_text", "b_side", "score_shown", "relation", "status", "stale",
                    "tagged_by"]
    list_display_links = ["pk"]
    list_editable = ["relation", "status"]
    list_filter = ["story", "status", "relation", "stale", OutletFilter, VoiceFilter, ScoreBandFilter]
    list_select_related = ["a__article__outlet", "b__article__outlet", "a__voice", "b__voice"]
    list_per_page = 50
    search_fields = ["a__text", "b__text", "note"]
    raw_id_fields = ["a", "b"]
    ordering = ["-score", "pk"]
    fields = ["side_by_side", "relation", "status", "note", "score", "method", "stale", "features",
              "tagged_by", "tagged_at", "decisions", "a", "b", "story"]
    readonly_fields = ["side_by_side", "score", "method", "stale", "features", "tagged_by", "tagged_at",
                       "decisions", "a", "b", "story"]
    actions = ["confirm", "reject", *[_relation_action(value, label) for value, label in AlignedPair.Relation.choices]]

    def has_add_permission(self, request):
        return False  # pairs come from the alignment job (or the demo's tags), not from a blank form

    @admin.display(description="passage a")
    def a_text(self, pair):
        return _trim(pair.a.text)

    @admin.display(description="passage b")
    def b_text(self, pair):
        return _trim(pair.b.text)

    @admin.display(description="a: outlet · voice")
    def a_side(self, pair):
        return f"{pair.a.article.outlet.name} · {pair.a.voice.name if pair.a.voice else '—'}"

    @admin.display(description="b: outlet · voice")
    def b_side(self, pair):
        return f"{pair.b.article.outlet.name} · {pair.b.voice.name if pair.b.voice else '—'}"

    @admin.display(description="score", ordering="score")
    def score_shown(self, pair):
        return f"{pair.score:.2f}"

    @admin.display(description="the two passages")
    def side_by_side(self, pair):
        diff = word_diff(pair.a.text, pair.b.text)
        marked = format_html_join(" ", "{}", (
            (format_html("<ins>{}</ins>", s.text) if s.op == "insert"
             else format_html("<del>{}</del>", s.text) if s.op == "delete" else s.text,) for s in diff))
        return format_html(
            '<div class="pair-compare" style="display:grid;grid-template-columns:1fr 1fr;gap:1rem;max-width:70rem">'
            "<div><strong>{}</strong> · {}<p>{}</p></div>"
            "<div><strong>{}</strong> · {}<p>{}</p></div></div>"
            '<p><strong>b read against a:</strong> <span class="pair-diff">{}</span></p>',
            pair.a.article.outlet.name, pair.a.voice.name if pair.a.voice else "—", pair.a.text,
            pair.b.article.outlet.name, pair.b.voice.name if pair.b.voice else "—", pair.b.text, marked,
        )

    @admin.display(description="editors' decisions (newest first)")
    def decisions(self, pair):
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AlignedPair), object_id=str(pair.pk)
        ).select_related("user").order_by("-action_time")
        if not entries:
            return "none yet"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} · {} · {}</li>",
            ((e.action_time.strftime("%Y-%m-%d %H:%M"), e.user.get_username(), e.get_change_message())
             for e in entries)))

    def _tag(self, request, queryset, **changes):
        try:
            changed = editing.tag_pairs(queryset, request.user, **changes)
        except editing.DecisionError as e:
            self.message_user(request, f"Nothing saved: {e}", messages.ERROR)
            return
        what = ", ".join(f"{k} {v}" for k, v in changes.items())
        self.message_user(request, f"{changed} pair(s) set to {what}.", messages.SUCCESS)

    @admin.action(description="Confirm the selected pairs", permissions=["change"])
    def confirm(self, request, queryset):
        self._tag(request, queryset, status=AlignedPair.Status.CONFIRMED)

    @admin.action(description="Reject the selected pairs", permissions=["change"])
    def reject(self, request, queryset):
        self._tag(request, queryset, status=AlignedPair.Status.REJECTED)

"""The words of newsdiff (docs/architecture.md) as tables.

Invariants the database can hold are constraints here; the two it cannot
(a pair joins passages of *different articles*; a passage ends inside its
article's body) are checked by `AlignedPair.clean()` / `Passage.clean()` and
by the only code paths that write those rows in bulk (ingest, the alignment job).

Story-scoped rows have natural keys so that `dumpdata --natural-foreign
--natural-primary` fixtures load into any database without primary-key clashes.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from . import search


class StoryManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Story(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    date = models.DateField(null=True, blank=True)
    # Aliases and other optional story-file settings, kept as the file gave them.
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryManager()

    class Meta:
        ordering = ["-date", "slug"]
        verbose_name_plural = "stories"
        permissions = [
            ("run_alignment", "Can run the alignment job"),
            ("run_attribution", "Can re-run voice attribution"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("newsdiff:story", args=[self.slug])

    @property
    def default_voice(self) -> Voice | None:
        return self.voices.filter(is_default=True).first()


class VoiceManager(models.Manager):
    def get_by_natural_key(self, story_slug, slug):
        return self.get(story__slug=story_slug, slug=slug)


class Voice(models.Model):
    """A column of the parallel view: an official side, or the story's default (press)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="voices")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    # Institutions that speak for this voice ("Kremlin", "State Department").
    institutions = models.JSONField(default=list, blank=True)

    objects = VoiceManager()

    class Meta:
        ordering = ["story", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["story", "slug"], name="voice_unique_slug_per_story"),
            models.UniqueConstraint(
                fields=["story"], condition=Q(is_default=True), name="voice_one_default_per_story"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.story.slug, self.slug)

    natural_key.dependencies = ["newsdiff.story"]


class SpeakerManager(models.Manager):
    def get_by_natural_key(self, story_slug, name):
        return self.get(story__slug=story_slug, name=name)


class Speaker(models.Model):
    """A person who speaks for a voice. Data, never code: from the story file,
    found by attribution (origin=detected), or added by an editor."""

    class Origin(models.TextChoices):
        STORY_FILE = "story_file", "story file"
        DETECTED = "detected", "detected by attribution"
        EDITOR = "editor", "added by an editor"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(max_length=200)
    voice = models.ForeignKey(Voice, on_delete=models.RESTRICT, related_name="speakers")
    aliases = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.STORY_FILE)
    # Who last decided this speaker's voice or name (a username, as elsewhere), and when.
    edited_by = models.CharField(max_length=150, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = SpeakerManager()

    class Meta:
        ordering = ["story", "voice__position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["story", "name"], name="speaker_unique_name_per_story"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.story.slug, self.name)

    natural_key.dependencies = ["newsdiff.story", "newsdiff.voice"]


class OutletManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)

    objects = OutletManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class ArticleManager(models.Manager):
    def get_by_natural_key(self, story_slug, source):
        return self.get(story__slug=story_slug, source=source)


class Article(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="articles")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    source = models.CharField(max_length=255, help_text="The file name the article came from.")
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=200, blank=True, help_text="As the web page names it.")
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True)
    # For a web page (an .html file, an upload or a URL) this is the page's HTML as fetched: the
    # one copy of it (a URL's page is in no folder), from which the body can be found again.
    raw_text = models.TextField(help_text="The input as decoded, before any cleaning: the article's text, "
                                          "or the web page's HTML.")
    encoding = models.CharField(max_length=20, default="utf-8")
    body = models.TextField(help_text="Cleaned text: paragraphs separated by blank lines.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    # What attribution found here about people nobody listed (`text.attribute.detections_of`, read
    # with the listed and editors' speakers); None until first read. The story's officials are
    # decided from every article's detections (`attribution.officials_in`), so an upload reads
    # only itself.
    detections = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleManager()

    class Meta:
        ordering = ["story", "source"]
        constraints = [
            models.UniqueConstraint(fields=["story", "content_hash"], name="article_unique_content_per_story"),
            models.UniqueConstraint(fields=["story", "source"], name="article_unique_source_per_story"),
        ]

    def __str__(self):
        return f"{self.outlet}: {self.title}"

    @property
    def original_url(self) -> str:
        """The article's address if it is http(s); anything else (javascript:, data:) is never linked."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    def natural_key(self):
        return (self.story.slug, self.source)

    natural_key.dependencies = ["newsdiff.story", "newsdiff.outlet"]

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("newsdiff:article", args=[self.story.slug, self.pk])


class Exchange(models.Model):
    """A row of the parallel view: one topic of the exchange being reported."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="exchanges")
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    is_other = models.BooleanField(default=False, help_text="The row for passages that fit no topic.")
    # Set when an editor renamed, merged or reordered it: re-runs keep this row's identity.
    # A username, not a key: the record survives the account and a dump without users.
    edited_by = models.CharField(max_length=150, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def edited_by_editor(self) -> bool:
        return self.edited_at is not None


class PassageQuerySet(models.QuerySet):
    def of_story(self, story):
        return self.filter(article__story=story)

    def live(self):
        """Passages whose sentence is in the article's current text (not retired by a re-ingest)."""
        return self.filter(retired_at__isnull=True)

    def retired(self):
        return self.filter(retired_at__isnull=False)

    def matching(self, filters):
        """The passages a researcher's `filters.Filters` keep: its outlets, voices (slugs) and search words
        (`newsdiff.search`: PostgreSQL's full-text search there)."""
        query = self
        if filters.outlets:
            query = query.filter(article__outlet_id__in=filters.outlets)
        if filters.voices:
            query = query.filter(voice__slug__in=filters.voices)
        return search.matching(query, filters.q)


class PassageManager(models.Manager.from_queryset(PassageQuerySet)):
    def get_by_natural_key(self, story_slug, source, position):
        return self.get(article__story__slug=story_slug, article__source=source, position=position)


class Passage(models.Model):
    """A sentence of an article: `article.body[start:end] == text`, unless retired.

    A retired passage (`retired_at` set) is a sentence a later version of the
    article dropped, kept for the editors' decisions on it: its text and offsets
    are those of the old body, and its position follows the live passages'.
    """

    class Kind(models.TextChoices):
        SENTENCE = "sentence", "sentence"
        HEADING = "heading", "headline or heading"
        CAPTION = "caption", "caption"

    class DecidedBy(models.TextChoices):
        AUTO = "auto", "automatic"
        EDITOR = "editor", "editor"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField(help_text="Order of the passage in its article, from 0.")
    paragraph = models.PositiveIntegerField(help_text="Index of its paragraph in the body, from 0.")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SENTENCE)
    voice = models.ForeignKey(Voice, null=True, on_delete=models.RESTRICT, related_name="passages")
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="passages"
    )
    voice_decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, default=DecidedBy.AUTO)
    voice_edited_by = models.CharField(max_length=150, blank=True, help_text="The editor who set the voice.")
    voice_edited_at = models.DateTimeField(null=True, blank=True)
    voice_rule = models.CharField(max_length=100, blank=True, help_text="The attribution rule that fired.")
    exchange = models.ForeignKey(
        Exchange, null=True, blank=True, on_delete=models.SET_NULL, related_name="passages"
    )
    exchange_decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, default=DecidedBy.AUTO)
    exchange_edited_by = models.CharField(max_length=150, blank=True, help_text="The editor who moved it.")
    exchange_edited_at = models.DateTimeField(null=True, blank=True)
    # Set when a re-ingest found the sentence gone from the article but an editor's decision touches it:
    # the row keeps its old text (no longer in the body) and its tagged pairs, and the pages leave it out.
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="When a re-ingest found this sentence gone from the article."
    )

    objects = PassageManager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="passage_unique_position"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="passage_start_before_end"),
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (*self.article.natural_key(), self.position)

    natural_key.dependencies = ["newsdiff.article"]

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def clean(self):
        if self.retired:
            return  # its text is the old body's; the current body no longer holds it
        body = self.article.body
        if not (0 <= self.start < self.end <= len(body)):
            raise ValidationError(f"offsets {self.start}:{self.end} fall outside the body ({len(body)} chars)")
        if body[self.start : self.end] != self.text:
            raise ValidationError("text differs from article.body[start:end]")


class AlignedPairQuerySet(models.QuerySet):
    def shown(self, filters):
        """The pairs a researcher's `filters.Filters` keep, on every page alike.

        Their status (rejected pairs only when asked) and minimum score; both passages live (a retired
        passage is in no grid); and at least one of the two kept by the passage filters
        (`Passage.matching`: outlets, voices, search). A passage the filters keep thus stays linked to
        every outlet's wording of its claim: picking one outlet shows that outlet's claims, not none.
        """
        query = self.filter(status__in=filters.statuses, a__retired_at__isnull=True, b__retired_at__isnull=True)
        if filters.min_score is not None:
            query = query.filter(score__gte=filters.min_score)
        if filters.narrows_passages:
            kept = Passage.objects.matching(filters).values("pk")
            query = query.filter(Q(a__in=kept) | Q(b__in=kept))
        return query

    def touching(self, passage):
        return self.filter(Q(a=passage) | Q(b=passage))


class AlignedPairManager(models.Manager.from_queryset(AlignedPairQuerySet)):
    def get_by_natural_key(self, a_story, a_source, a_position, b_story, b_source, b_position):
        return self.get(a=Passage.objects.get_by_natural_key(a_story, a_source, a_position),
                        b=Passage.objects.get_by_natural_key(b_story, b_source, b_position))


class AlignedPair(models.Model):
    """Two passages of different articles that report the same claim, stored once (a < b)."""

    class Relation(models.TextChoices):
        VERBATIM = "verbatim"
        PARAPHRASE = "paraphrase"
        VARIANT = "variant", "variant wording"
        CONTRADICTION = "contradiction"
        RELATED = "related"

    class Status(models.TextChoices):
        PROPOSED = "proposed"
        CONFIRMED = "confirmed"
        REJECTED = "rejected"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="pairs")
    a = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="pairs_as_a")
    b = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="pairs_as_b")
    score = models.FloatField()
    method = models.CharField(max_length=50)
    relation = models.CharField(max_length=15, choices=Relation.choices, default=Relation.PARAPHRASE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    stale = models.BooleanField(default=False, help_text="The latest run no longer proposes this pair.")
    features = models.JSONField(default=dict, blank=True, help_text="The evidence behind the score.")
    tagged_by = models.CharField(max_length=150, blank=True, help_text="The editor who last tagged it (username).")
    tagged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["story", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="pair_stored_once"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="pair_ordered_a_before_b"),
        ]

    objects = AlignedPairManager()

    def __str__(self):
        return f"{self.a_id}~{self.b_id} ({self.relation}, {self.status})"

    def natural_key(self):
        return self.a.natural_key() + self.b.natural_key()

    natural_key.dependencies = ["newsdiff.passage"]

    def clean(self):
        if self.a.article_id == self.b.article_id:
            raise ValidationError("an aligned pair joins passages of two different articles")

    @property
    def tagged_by_editor(self) -> bool:
        """An editor confirmed, rejected, relabelled or annotated it: re-runs keep its tags."""
        return self.tagged_at is not None


class AlignmentJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="jobs")
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    pairs_created = models.PositiveIntegerField(default=0)
    pairs_updated = models.PositiveIntegerField(default=0)
    pairs_kept = models.PositiveIntegerField(default=0, help_text="Kept because an editor tagged them.")
    pairs_removed = models.PositiveIntegerField(default=0)
    candidates = models.PositiveBigIntegerField(default=0, help_text="Candidate pairs the run scored (after blocking).")
    pairs_proposed = models.PositiveIntegerField(default=0, help_text="Pairs the run proposed (kept).")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of a running job: set at each phase and progress step."
    )
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process running the job.")
    rerun_requested = models.BooleanField(
        default=False, help_text="Set when the story changed while this job ran: a new run follows when it ends."
    )

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database, not a check-then-act race, refuses a second active job for a story.
            models.UniqueConstraint(
                fields=["story"], condition=Q(status__in=["queued", "running"]), name="job_one_active_per_story"
            ),
        ]

    def __str__(self):
        return f"alignment of {self.story} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def error_summary(self) -> str:
        """The error's first line: what a reader of the story page needs (the row keeps the traceback)."""
        return self.error.splitlines()[0] if self.error else ""


class Encoding(models.Model):
    """A text's token vectors from one encoder model, stored once per (model, text).

    Keyed by content, not by passage: passages with the same text (in any story)
    share one row, and a re-ingest that keeps a passage's text keeps its encoding.
    `token_ids` are little-endian int32 ([CLS] ... [SEP]), `vectors` little-endian
    float16, `n_tokens` x `dim` row-major (`newsdiff.encodings` reads and writes them).
    """

    model = models.CharField(max_length=100)
    text_sha256 = models.CharField(max_length=64, help_text="sha256 of the UTF-8 text.")
    n_tokens = models.PositiveIntegerField()
    dim = models.PositiveIntegerField()
    token_ids = models.BinaryField()
    vectors = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "text_sha256"], name="encoding_unique_text_per_model"),
        ]

    def __str__(self):
        return f"{self.model} encoding of {self.text_sha256[:12]} ({self.n_tokens} tokens)"


class AlignmentIndex(models.Model):
    """What the story's last full alignment keeps so that one more article is aligned against the story alone
    (`align.index.StoryIndex`, serialised): a cache, rebuilt by every full run, never edited."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="alignment_index")
    data = models.BinaryField()
    passages = models.PositiveIntegerField(default=0, help_text="Sentences it holds.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"alignment index of {self.story_id} ({self.passages} sentences)"

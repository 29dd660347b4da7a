"""Store attribution results: the ORM edge of `text/attribute.py`.

Passages an editor labelled (`voice_decided_by == editor`) are never changed.
People the rules find but nobody listed become `Speaker(origin=detected)`
rows, so editors can check and map them. A detected person the articles agree
is an official of one side ("Russian Deputy Foreign Minister Pavel Orlov",
"Kremlin aide ...", and no article calls him a former official or an analyst)
is stored in that side's voice by `attribute_story`, and from then on belongs
to the roster like a listed speaker: a later "Orlov said", in any article of
the story, is his. Anyone else detected sits in the default voice. An editor's
mapping (origin "editor") always wins and feeds the next run.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from .models import Article, Passage, Speaker, Story
from .text.attribute import PassageText, Roster, SpeakerEntry, VoiceEntry, attribute, detections_of, officials_from


def roster_for(story: Story, officials: bool = True) -> Roster:
    """The story's voices and speakers: listed, the editors', and (unless `officials=False`) the people
    detected in an official's role, whom `attribute_story` gave their side's voice."""
    voices = tuple(
        VoiceEntry(v.slug, v.name, tuple(v.institutions), v.is_default) for v in story.voices.order_by("position")
    )
    people = story.speakers.select_related("voice")
    people = people.exclude(origin=Speaker.Origin.DETECTED, voice__is_default=True) if officials \
        else people.exclude(origin=Speaker.Origin.DETECTED)
    speakers = tuple(SpeakerEntry(s.name, s.voice.slug, tuple(s.aliases)) for s in people.order_by("name"))
    return Roster(voices=voices, speakers=speakers)


def attribute_article(article: Article, roster: Roster | None = None) -> int:
    """Label one article's passages; returns how many changed.

    People it finds that nobody listed are stored as detected speakers in the default voice; only
    `attribute_story`, which sees every article, gives a detected official their side's voice.
    """
    story = article.story
    roster = roster or roster_for(story)
    voices = {v.slug: v for v in story.voices.all()}
    speakers = {s.name: s for s in story.speakers.all()}
    passages = list(article.passages.live().order_by("position"))
    results = attribute([PassageText(p.text, p.paragraph, p.kind) for p in passages], roster)
    changed = []
    with transaction.atomic():
        for passage, result in zip(passages, results, strict=True):
            if passage.voice_decided_by == Passage.DecidedBy.EDITOR:
                continue
            speaker = None
            if result.speaker:
                speaker = speakers.get(result.speaker)
                if speaker is None:
                    # get_or_create: another upload of the same story may have just detected them too.
                    speaker, _ = Speaker.objects.get_or_create(
                        story=story, name=result.speaker,
                        defaults={"origin": Speaker.Origin.DETECTED, "voice": voices[roster.default]})
                    speakers[speaker.name] = speaker
            new = (voices[result.voice].pk, speaker.pk if speaker else None, result.rule)
            if (passage.voice_id, passage.speaker_id, passage.voice_rule) != new:
                passage.voice_id, passage.speaker_id, passage.voice_rule = new
                changed.append(passage)
        Passage.objects.bulk_update(changed, ["voice", "speaker", "voice_rule"])
    return len(changed)


def officials_in(story: Story, articles=None) -> dict[str, str]:
    """The story's officials (`text.attribute.officials_from`): name -> voice slug.

    Reads `articles` (ids; all of the story's when None) and any article never read before with
    the listed and editors' speakers, stores what each says of the people nobody listed
    (`Article.detections`), then decides from every article's stored detections: an upload
    reads only itself, whatever the story's size.
    """
    base = roster_for(story, officials=False)
    unread = Q(detections__isnull=True) if articles is None else Q(detections__isnull=True) | Q(pk__in=articles)
    todo = story.articles.all() if articles is None else story.articles.filter(unread)
    todo_ids = list(todo.values_list("pk", flat=True))
    by_article: dict[int, list[PassageText]] = {pk: [] for pk in todo_ids}
    for p in (Passage.objects.live().filter(article_id__in=todo_ids).order_by("article_id", "position")
              .only("article_id", "text", "paragraph", "kind")):
        by_article[p.article_id].append(PassageText(p.text, p.paragraph, p.kind))
    read = [Article(pk=pk, detections=detections_of(attribute(texts, base), base)) for pk, texts in by_article.items()]
    Article.objects.bulk_update(read, ["detections"], batch_size=500)
    return officials_from(story.articles.exclude(detections__isnull=True).values_list("detections", flat=True))


def stored_officials(story: Story) -> dict[str, str]:
    """The detected speakers `attribute_story` last gave a side's voice: name -> voice slug."""
    return dict(story.speakers.filter(origin=Speaker.Origin.DETECTED).exclude(voice__is_default=True)
                .values_list("name", "voice__slug"))


def attribute_story(story: Story, *, officials: dict[str, str] | None = None,
                    only_naming_changes: bool = False) -> tuple[int, int]:
    """Label the articles of a story; returns (articles labelled, passages changed).

    First the officials: every article is read with the listed and editors' speakers only, and
    each detected person the articles agree is an official of one side (`officials_from`) gets
    that side's voice; the others detected go back to the default voice (never a listed or an
    editor's speaker). `officials` gives that result when the caller has just computed it over
    every article. Then the articles are labelled with them in the roster, so an article that
    names "Orlova" before another introduces "Deputy Minister Olga Orlova" knows her, whatever
    the order of the articles. With `only_naming_changes`, only the articles that contain a word
    of the name of someone whose voice just changed are labelled again: no other article's
    labels can differ (ingest's case, where every article was labelled as it was stored).
    """
    officials = officials_in(story) if officials is None else officials
    voices = {v.slug: v for v in story.voices.all()}
    default = next(v for v in voices.values() if v.is_default)
    detected = Speaker.objects.filter(story=story, origin=Speaker.Origin.DETECTED)
    before = stored_officials(story)
    for name, slug in officials.items():
        Speaker.objects.get_or_create(story=story, name=name,
                                      defaults={"origin": Speaker.Origin.DETECTED, "voice": voices[slug]})
        # A conditional update: an editor who maps this person meanwhile makes the row theirs.
        detected.filter(name=name).exclude(voice=voices[slug]).update(voice=voices[slug])
    detected.exclude(name__in=officials).exclude(voice=default).update(voice=default)
    articles = story.articles.select_related("story")
    if only_naming_changes:
        after = stored_officials(story)
        words = {w for name in set(before) | set(after) if before.get(name) != after.get(name)
                 for w in name.split()}  # every word: "Xi" or "Li" alone names someone too
        naming = Q(pk__in=[])
        for word in sorted(words):
            naming |= Q(passages__text__contains=word)
        articles = articles.filter(naming).distinct()
    roster = roster_for(story)
    articles = list(articles)
    return len(articles), sum(attribute_article(a, roster) for a in articles)

"""Store attribution results: the ORM edge of `text/attribute.py`.

Passages an editor labelled (`voice_decided_by == editor`) are never changed.
People the rules find but nobody listed become `Speaker(origin=detected)`
rows, so editors can map them to a voice; an editor's mapping then feeds the
next run as part of the roster.
"""
from __future__ import annotations

from django.db import transaction

from .models import Article, Passage, Speaker, Story
from .text.attribute import PassageText, Roster, SpeakerEntry, VoiceEntry, attribute


def roster_for(story: Story) -> Roster:
    voices = tuple(
        VoiceEntry(v.slug, v.name, tuple(v.institutions), v.is_default) for v in story.voices.order_by("position")
    )
    speakers = tuple(
        SpeakerEntry(s.name, s.voice.slug, tuple(s.aliases))
        for s in story.speakers.select_related("voice").exclude(origin=Speaker.Origin.DETECTED).order_by("name")
    )
    return Roster(voices=voices, speakers=speakers)


def attribute_article(article: Article, roster: Roster | None = None) -> int:
    """Label one article's passages; returns how many changed."""
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
                    # In the default voice until an editor maps them; the passage's voice already
                    # reflects what the text says of them ("Chinese Vice Premier ...").
                    speaker = Speaker.objects.create(
                        story=story, name=result.speaker, origin=Speaker.Origin.DETECTED,
                        voice=voices[roster.default],
                    )
                    speakers[speaker.name] = speaker
            new = (voices[result.voice].pk, speaker.pk if speaker else None, result.rule)
            if (passage.voice_id, passage.speaker_id, passage.voice_rule) != new:
                passage.voice_id, passage.speaker_id, passage.voice_rule = new
                changed.append(passage)
        Passage.objects.bulk_update(changed, ["voice", "speaker", "voice_rule"])
    return len(changed)


def attribute_story(story: Story) -> tuple[int, int]:
    """Label every article of a story; returns (articles, passages changed)."""
    roster = roster_for(story)
    articles = list(story.articles.select_related("story"))
    return len(articles), sum(attribute_article(a, roster) for a in articles)

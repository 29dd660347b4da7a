"""Store attribution results: the ORM edge of `text/attribute.py`.

Passages an editor labelled (`voice_decided_by == editor`) are never changed.
People the rules find but nobody listed become `Speaker(origin=detected)`
rows, so editors can check and map them. A detected person the text introduces
as an official of a side ("Russian Deputy Foreign Minister Pavel Orlov", "Kremlin
aide ...") is stored in that side's voice, and from then on belongs to the
roster like a listed speaker: a later "Orlov said", in this article or another,
is theirs. Anyone else detected sits in the default voice. An editor's mapping
(origin "editor") always wins and feeds the next run.
"""
from __future__ import annotations

from django.db import transaction

from .models import Article, Passage, Speaker, Story
from .text.attribute import PassageText, Roster, SpeakerEntry, VoiceEntry, attribute


def roster_for(story: Story) -> Roster:
    """The story's voices and speakers: listed, the editors', and those detected in an official's role."""
    voices = tuple(
        VoiceEntry(v.slug, v.name, tuple(v.institutions), v.is_default) for v in story.voices.order_by("position")
    )
    speakers = tuple(
        SpeakerEntry(s.name, s.voice.slug, tuple(s.aliases))
        for s in story.speakers.select_related("voice").exclude(origin=Speaker.Origin.DETECTED, voice__is_default=True)
        .order_by("name")
    )
    return Roster(voices=voices, speakers=speakers)


def attribute_article(article: Article, roster: Roster | None = None) -> int:
    """Label one article's passages; returns how many changed.

    Stores the people it detects (see the module docstring); `roster_for` then lists the officials among them.
    """
    story = article.story
    roster = roster or roster_for(story)
    voices = {v.slug: v for v in story.voices.all()}
    speakers = {s.name: s for s in story.speakers.select_related("voice")}
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
                implied = voices[result.speaker_voice or roster.default]
                if speaker is None:
                    speaker = Speaker.objects.create(
                        story=story, name=result.speaker, origin=Speaker.Origin.DETECTED, voice=implied)
                    speakers[speaker.name] = speaker
                elif (speaker.origin == Speaker.Origin.DETECTED and speaker.voice.is_default
                      and not implied.is_default):
                    # First met untitled ("Orlov said"), now as an official: take the side's voice.
                    # Never the other way, and never over a listed or an editor's speaker.
                    speaker.voice = implied
                    speaker.save(update_fields=["voice"])
            new = (voices[result.voice].pk, speaker.pk if speaker else None, result.rule)
            if (passage.voice_id, passage.speaker_id, passage.voice_rule) != new:
                passage.voice_id, passage.speaker_id, passage.voice_rule = new
                changed.append(passage)
        Passage.objects.bulk_update(changed, ["voice", "speaker", "voice_rule"])
    return len(changed)


def attribute_story(story: Story) -> tuple[int, int]:
    """Label every article of a story; returns (articles, passages changed).

    When the pass detects officials the roster did not have (an article may name "Orlov" before
    another introduces "Deputy Foreign Minister Pavel Orlov"), the story is labelled once more
    with them, so that the outcome does not depend on the order of the articles.
    """
    roster = roster_for(story)
    articles = list(story.articles.select_related("story"))
    changed = sum(attribute_article(a, roster) for a in articles)
    fuller = roster_for(story)
    if fuller != roster:
        changed += sum(attribute_article(a, fuller) for a in articles)
    return len(articles), changed

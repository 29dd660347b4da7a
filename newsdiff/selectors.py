"""The reads the researcher's pages share, each a fixed number of queries whatever the story's size.

`Legend.of_story(story)` is the story's voices in column order with their colours;
`story_articles` the articles with their voice-share bars. The filtered reads
themselves are QuerySet methods (`Passage.objects.of_story(story).matching(filters)`,
`AlignedPair.objects.shown(filters)`).
"""
from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


from . import storycache
from .models import Article, Passage, Story
from .outlets import colour_classes, monograms

PALETTE_SIZE = 6  # colour classes voice-c0 .. voice-c5 in newsdiff.css


@dataclass(frozen=True)
class LegendVoice:
    """One voice as the pages show it: its name and colour class."""

    pk: int | None
    slug: str
    name: str
    colour: str


NO_VOICE = LegendVoice(None, "", "", "voice-default")


class Legend:
    """A story's voices in column order, each with its colour class (the default voice is grey).

    Iterates as `LegendVoice`s; `of(voice_id)` finds one (a passage with no voice gets `NO_VOICE`).
    """

    def __init__(self, voices: Iterable[LegendVoice]):
        self.voices = list(voices)
        self._by_pk = {v.pk: v for v in self.voices}

    @classmethod
    def of_story(cls, story: Story) -> Legend:
        voices, official = [], 0
        for voice in story.voices.order_by("position"):
            colour = "voice-default" if voice.is_default else f"voice-c{official % PALETTE_SIZE}"
            official += not voice.is_default
            voices.append(LegendVoice(voice.pk, voice.slug, voice.name, colour))
        return cls(voices)

    def __iter__(self) -> Iterator[LegendVoice]:
        return iter(self.voices)

    def __len__(self) -> int:
        return len(self.voices)

    def of(self, voice_id: int | None) -> LegendVoice:
        return self._by_pk.get(voice_id, NO_VOICE)

    @property
    def slugs(self) -> list[str]:
        return [v.slug for v in self.voices]

    def choices(self) -> list[tuple[str, str]]:
        """(slug, name) pairs for a form's voice filter."""
        return [(v.slug, v.name) for v in self.voices]


@dataclass(frozen=True)
class LegendOutlet:
    """One outlet as the pages show it: a colour class and a monogram, its full name beside them."""

    pk: int | None
    name: str
    monogram: str
    colour: str


NO_OUTLET = LegendOutlet(None, "", "?", "outlet-none")


class OutletLegend:
    """The outlets of a story's articles, by name, each with a stable colour class and a distinct monogram.

    Iterates as `LegendOutlet`s; `of(outlet_id)` finds one.
    """

    def __init__(self, outlets: Iterable[tuple[int, str]]):
        named = dict(outlets)  # id -> name
        marks = monograms(list(named.values()))
        colours = colour_classes(list(named.values()))
        self.outlets = sorted((LegendOutlet(pk, name, marks[name], colours[name]) for pk, name in named.items()),
                              key=lambda o: o.name.casefold())
        self._by_pk = {o.pk: o for o in self.outlets}

    @classmethod
    def of_articles(cls, articles: Iterable[Article]) -> OutletLegend:
        """From articles whose outlet is loaded (no query)."""
        return cls((a.outlet_id, a.outlet.name) for a in articles)

    def __iter__(self) -> Iterator[LegendOutlet]:
        return iter(self.outlets)

    def __len__(self) -> int:
        return len(self.outlets)

    def of(self, outlet_id: int | None) -> LegendOutlet:
        return self._by_pk.get(outlet_id, NO_OUTLET)

    def choices(self) -> list[tuple[int, str]]:
        """(outlet id, name) pairs for a form's outlet filter."""
        return [(o.pk, o.name) for o in self.outlets]


@dataclass(frozen=True)
class VoiceShare:
    """One voice's part of an article's words."""

    voice: LegendVoice
    share: float  # 0..1
    offset: float = 0.0  # where its segment starts in the article's stacked bar (the shares before it)

    @property
    def percent(self) -> int:
        return round(100 * self.share)


def voice_shares(passages: Iterable[tuple[int, str | None, str]], voice_slugs: list[str]) -> dict[int, dict[str, float]]:
    """Per article id, the fraction of its words in each voice (every voice listed), from (article id, voice slug, text)."""
    words: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(voice_slugs, 0))
    for article_id, voice, text in passages:
        words[article_id][voice] = words[article_id].get(voice, 0) + len(text.split())
    shares = {}
    for article_id, counts in words.items():
        total = sum(counts.values()) or 1
        shares[article_id] = {slug: round(n / total, 4) for slug, n in counts.items()}
    return shares


def voice_bars(story: Story, legend: Legend, article_ids: Iterable[int] | None = None
               ) -> dict[int, tuple[list[VoiceShare], int]]:
    """Per article id (of `article_ids`, or every article): its share of words in each voice that speaks in
    it, in column order, each with its segment's offset in the stacked bar; and its live passage count
    (1 query)."""
    words = Passage.objects.of_story(story).live()
    if article_ids is not None:
        words = words.filter(article_id__in=list(article_ids))
    words = list(words.values_list("article_id", "voice_id", "text"))
    counts = Counter(article_id for article_id, _, _ in words)
    shares = voice_shares([(a, legend.of(v).slug or None, t) for a, v, t in words], legend.slugs)
    bars = {}
    for article_id, share in shares.items():
        bar, offset = [], 0.0
        for v in legend:
            if share.get(v.slug):
                bar.append(VoiceShare(v, share[v.slug], offset))
                offset += share[v.slug]
        bars[article_id] = (bar, counts[article_id])
    return bars


LISTED_FIELDS = ("story_id", "outlet__name", "source", "title", "url", "published")


def story_articles(story: Story, legend: Legend, bars: slice = slice(None), state: tuple | None = None) -> list[Article]:
    """The story's articles with their outlet; those in the `bars` slice of them (all by default) with their
    voice-share bar and live passage count (`voice_bar`, `n_passages`; the others have neither)
    (2 queries; the second reads the passages of the slice's articles only). With the story's `state`
    (`storycache.story_state`), the list is read once per state (then 1 query)."""
    def read() -> list[Article]:
        return list(Article.objects.filter(story=story).select_related("outlet").order_by("source")
                    .only(*LISTED_FIELDS))  # not its HTML and text: a list of 1,000 articles reads 1,000 rows
    articles = list(storycache.remembered(state, "articles", read)) if state else read()
    barred = range(len(articles))[bars]
    found = voice_bars(story, legend, [articles[n].pk for n in barred])
    for n in barred:
        # A remembered article is shared by every request: the bar goes on this request's copy of it.
        article = copy.copy(articles[n]) if state else articles[n]
        article.voice_bar, article.n_passages = found.get(article.pk, ([], 0))
        articles[n] = article
    return articles

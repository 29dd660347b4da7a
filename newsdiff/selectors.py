"""Reads the pages share: each a fixed number of queries whatever the story's size."""
from .export import voice_shares
from .models import Passage, Story

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


def voice_bars(story: Story, legend: list[dict]) -> dict[int, list[dict]]:
    """Per article id, its share of words in each voice that speaks in it, in column order, with each
    segment's offset in the stacked bar."""
    slug_of = {v["pk"]: v["slug"] for v in legend}
    words = (Passage.objects.of_story(story).live()
             .values_list("article_id", "voice_id", "text"))
    shares = voice_shares([(a, slug_of.get(v), t) for a, v, t in words], [v["slug"] for v in legend])
    bars = {}
    for article_id, share in shares.items():
        bar, offset = [], 0.0
        for v in legend:
            if share.get(v["slug"]):
                # offset: where the voice's segment starts in the stacked bar (the shares before it)
                bar.append({**v, "share": share[v["slug"]], "offset": offset, "percent": round(100 * share[v["slug"]])})
                offset += share[v["slug"]]
        bars[article_id] = bar
    return bars

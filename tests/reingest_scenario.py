"""Issue 11's acceptance scenario for re-ingest: an editor's work, a corrected article, and what survives.

Shared by tests/test_reingest.py (which asserts) and bench/reingest.py (which prints the counts).
Needs a configured Django and database; uses the management commands and `newsdiff.editing`, as
an editor and an operator would.

1. `ingest` the seed story (a copy of its folder), `align` it.
2. An editor confirms 3 pairs, rejects 2, sets the voice of 2 passages, renames one exchange and
   merges two others (through `newsdiff.editing`, as the admin does).
3. The Guardian's file changes: a word is corrected in a sentence of a confirmed pair, the sentence
   of another confirmed pair is removed, and a sentence is added (one another outlet carries).
4. `ingest`, `align`, `attribute` again; the decisions are read back.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db.models import Q

from newsdiff import editing
from newsdiff.models import AlignedPair, Exchange, Passage, Story, Voice

SLUG = "biden-putin-2021-12-07"
EDITED_FILE = "004_cea50f6370969d2e.txt"  # The Guardian
CORRECTED = ("Biden spoke to the leaders", "Biden spoke with the leaders")  # one word, in a confirmed pair
REMOVED = "Putin went on to demand"  # its sentence is a whole paragraph, in a confirmed pair
ADDED_FROM = ("003_2ae3eb785e1b5880.txt", "In 2014, Moscow annexed Crimea")  # carried by another outlet
ADDED_AFTER = "US allies in eastern Europe, he said"  # the paragraph the new sentence follows


@dataclass
class Outcome:
    first_ingest: str
    reingest: str
    before: dict  # decision -> what the editor decided, with who and when
    after: dict  # the same keys, read back after ingest, align and attribute
    corrected_id: int
    removed_id: int
    added_text: str


def run(folder: Path, user) -> Outcome:
    first = _command("ingest", str(folder), "--no-align")
    _command("align", SLUG)
    story = Story.objects.get(slug=SLUG)
    corrected, removed = _passage(story, EDITED_FILE, CORRECTED[0]), _passage(story, EDITED_FILE, REMOVED)
    decide(story, user, corrected, removed)
    before = decisions(story)
    added_text = _passage(story, *ADDED_FROM).text
    edit_file(folder / EDITED_FILE, added_text)
    reingest = _command("ingest", str(folder), "--no-align")
    _command("align", SLUG)
    _command("attribute", SLUG)
    return Outcome(first, reingest, before, decisions(story), corrected.pk, removed.pk, added_text)


def decide(story: Story, user, corrected: Passage, removed: Passage) -> None:
    """The editor's session: 3 confirmations, 2 rejections, 2 voices, a rename and a merge."""
    touching = [_best_pair(story, corrected), _best_pair(story, removed)]
    others = list(AlignedPair.objects.filter(story=story).exclude(pk__in=[p.pk for p in touching]).order_by("-score"))
    editing.tag_pairs([*touching, others[0]], user, status=AlignedPair.Status.CONFIRMED)
    editing.tag_pairs(others[-2:], user, status=AlignedPair.Status.REJECTED, note="not the same claim")
    white_house, kremlin = Voice.objects.get(story=story, slug="white_house"), Voice.objects.get(story=story,
                                                                                                  slug="kremlin")
    for passage, voice in ((_passage(story, EDITED_FILE, ADDED_AFTER), white_house),
                           (_passage(story, "002_8f85bb92d1011aca.txt", "NATO was making dangerous"), kremlin)):
        if passage.voice_id == voice.pk:  # a decision is a change: relabel it to the other official side
            voice = kremlin if voice == white_house else white_house
        editing.set_passages([passage], user, voice=voice)  # what the passage admin does
    exchanges = list(story.exchanges.filter(is_other=False).order_by("position"))
    editing.edit_exchange(exchanges[0], user, title="What the two presidents said about Ukraine")
    editing.merge_exchanges(exchanges[-2:], user)


def decisions(story: Story) -> dict:
    """Every editor decision of the story, keyed by what it is about, with who and when."""
    found = {}
    for pair in AlignedPair.objects.filter(story=story, tagged_at__isnull=False):
        found[("pair", pair.pk)] = (pair.a_id, pair.b_id, pair.status, pair.relation, pair.note,
                                    pair.tagged_by, pair.tagged_at)
    for p in Passage.objects.filter(article__story=story, voice_decided_by=Passage.DecidedBy.EDITOR):
        found[("voice", p.pk)] = (p.voice_id, p.voice_edited_by, p.voice_edited_at)
    for e in Exchange.objects.filter(story=story, edited_at__isnull=False):
        found[("exchange", e.pk)] = (e.title, e.edited_by, e.edited_at)
    return found


def edit_file(path: Path, added: str) -> None:
    """Correct a word, drop a paragraph, add a sentence as a paragraph of its own."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [corrected] = [i for i, line in enumerate(lines) if CORRECTED[0] in line]
    lines[corrected] = lines[corrected].replace(*CORRECTED)
    [after] = [i for i, line in enumerate(lines) if line.startswith(ADDED_AFTER)]
    lines[after + 1:after + 1] = ["", added]
    [removed] = [i for i, line in enumerate(lines) if line.startswith(REMOVED)]
    del lines[removed:removed + 2]  # the paragraph and the blank line after it
    path.write_text("\n".join(lines), encoding="utf-8")


def pairs_of(passage_id: int):
    return AlignedPair.objects.filter(Q(a_id=passage_id) | Q(b_id=passage_id))


def _best_pair(story: Story, passage: Passage) -> AlignedPair:
    return pairs_of(passage.pk).order_by("-score").first()


def _passage(story: Story, source: str, says: str) -> Passage:
    return Passage.objects.get(article__story=story, article__source=source, text__contains=says,
                               retired_at__isnull=True)


def _command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()

"""Split a clean body into sentence passages with exact offsets.

`segment(paragraphs)` takes the body's paragraphs (as `clean.Paragraph`, in
order) and returns `Segment`s such that, with
`body = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)`:

- `body[s.start:s.end] == s.text` for every segment;
- segments are in order and do not overlap: `s.end <= next.start`;
- no segment starts or ends with whitespace, and none is empty;
- every non-space character of the body lies in exactly one segment.

Sentences come from sentencex (rule-based, linear: no regular expression
that can backtrack on hostile input), which keeps a quoted run of several
sentences with its cue (`"We are ready. We will act," she said.` is one
sentence); the rules below rejoin what it splits wrongly (a time zone after
"p.m."). Headings, titles and captions are one segment each.

>>> from newsdiff.text.clean import Paragraph
>>> [s.text for s in segment([Paragraph('Mr. Smith met Gen. Jones in the U.S. on Dec. 7. Then he left.', 'text')])]
['Mr. Smith met Gen. Jones in the U.S. on Dec. 7.', 'Then he left.']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sentencex

from .clean import PARAGRAPH_SEPARATOR, Paragraph


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    paragraph: int
    kind: str  # the paragraph's kind: title, heading, caption or text
    text: str


def _sentences(text: str) -> list[str]:
    return list(sentencex.segment("en", text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of one paragraph, trimmed of whitespace."""
    spans = []
    cursor = 0
    for piece in _sentences(text):
        # Find each sentence from the cursor: offsets from the text itself cannot drift.
        sentence = piece.strip()
        if not sentence:
            continue
        start = text.find(sentence, cursor)
        if start < 0:  # the segmenter changed the text: fall back to what is left of it
            start = cursor
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return _cover(text, spans)


def _cover(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Make the spans tile the paragraph: gaps holding text join the sentence before them."""
    out: list[tuple[int, int]] = []
    cursor = 0
    for start, end in spans:
        start = max(start, cursor)
        if end <= start:
            continue
        if out and text[cursor:start].strip():
            out[-1] = (out[-1][0], start)
        elif not out and text[:start].strip():
            start = 0
        out.append((start, end))
        cursor = end
    if text[cursor:].strip():
        if out:
            out[-1] = (out[-1][0], len(text))
        else:
            out.append((0, len(text)))
    spans = [_trim(text, s, e) for s, e in out if text[s:e].strip()]
    return _join_wordless(text, spans)


def _join_wordless(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Rejoin what is not a sentence of its own: a span with no word character (a stray
    closing quote), or a time zone after "a.m."/"p.m." ("at 5 p.m. | Moscow time, ...")."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and (not _WORD_CHAR.search(text, start, end)
                    or (_CLOCK_END.search(text, out[-1][0], out[-1][1]) and _TIME_ZONE.match(text, start))):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


_CLOCK_END = re.compile(r"\b[ap]\.m\.$")
_TIME_ZONE = re.compile(r"(?:[A-Z][a-z]+ time\b|local time\b|(?:GMT|UTC|EST|EDT|CET|CEST|BST|PST|PDT|MSK)\b)")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_WORD_CHAR = re.compile(r"\w")


def segment(paragraphs: list[Paragraph] | tuple[Paragraph, ...]) -> list[Segment]:
    segments: list[Segment] = []
    offset = 0
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text
        if paragraph.kind == "text":
            spans = sentence_spans(text)
        else:
            spans = [_trim(text, 0, len(text))] if text.strip() else []
        for start, end in spans:
            segments.append(Segment(offset + start, offset + end, index, paragraph.kind, text[start:end]))
        offset += len(text) + len(PARAGRAPH_SEPARATOR)
    return segments

"""Turn an article file's text into a clean body of paragraphs.

Pure functions: strings (or bytes) in, values out, no database.

`decode_bytes(data)` -> (text, encoding used), or `TextError`.
`fix_encoding(text)` -> text with mojibake repaired and spaces normalised.
`clean_article(text)` -> `CleanArticle`: the title, the paragraphs that make
the body (each with a kind: title, heading, caption or text), the outlet and
publication date when a source line gives them, and the lines left out.

The body is the paragraphs joined by a blank line; passages are offsets into
it. Lines are left out by their *shape* (bylines with their wire credits,
signatures, metadata and time-stamp lines, photo credits, a title-case link
between paragraphs of prose, a line the page repeats, short trailing
furniture) or because they are stock phrases of news pages (`stock.py`: share
prompts, teasers, gallery controls, ad and player notices), never because of
what one article says. An agency dateline is cut from the lead paragraph and
the sentence it opens is kept; a last sentence the site cut short stays prose.

>>> a = clean_article("Talks end\\n\\nby Jane Doe\\n\\nThe talks ended. Enditem\\n\\nShare this article")
>>> a.title, a.body
('Talks end', 'Talks end\\n\\nThe talks ended.')
>>> a.dropped
('by Jane Doe', 'Share this article')
"""
from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from dataclasses import dataclass

import ftfy

from . import stock


class TextError(ValueError):
    """The input cannot be read as article text; the message says why."""


PARAGRAPH_KINDS = ("title", "heading", "caption", "text")


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str  # one of PARAGRAPH_KINDS


@dataclass(frozen=True)
class CleanArticle:
    title: str
    paragraphs: tuple[Paragraph, ...]
    outlet: str | None = None
    published: dt.date | None = None
    dropped: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        return PARAGRAPH_SEPARATOR.join(p.text for p in self.paragraphs)


PARAGRAPH_SEPARATOR = "\n\n"

_BOILERPLATE = stock.compile_lines(stock.BOILERPLATE_LINES)
_SIGNATURE = re.compile(rf"^{stock.SIGNATURE_LINE}$")
_BYLINE = re.compile(rf"^{stock.BYLINE}$")  # case-sensitive: names are capitalised
_END_MARKER = re.compile(r"\s*(?:" + "|".join(stock.END_MARKERS) + r")\s*$", re.IGNORECASE)
# A notice glued after a paragraph's last sentence (the page put a video player there).
_TRAILING_NOTICE = re.compile(r"(?<=[.!?”\"])\s+(?:" + "|".join(stock.NOTICE_SENTENCES) + r")$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(stock.PHOTO_CREDIT, re.IGNORECASE)
_CAPTION_OPENING = re.compile(rf"^{stock.CAPTION_OPENING}", re.IGNORECASE)
_POSITION_MARK = re.compile(stock.POSITION_MARK, re.IGNORECASE)
_PICTURE_WORD = re.compile(r"\b(photo|picture|image|pictured|poses?|seen)\b", re.IGNORECASE)
_SOURCE_FIELD = re.compile(stock.SOURCE_FIELD, re.IGNORECASE)
_BAR_BYLINE = re.compile(rf"^{stock.BAR_BYLINE}$")  # case-sensitive, as _BYLINE
_PARAGRAPH_PREFIX = re.compile(r"^(?:" + "|".join(stock.PARAGRAPH_PREFIXES) + ")", re.IGNORECASE)
_DATELINE = re.compile(stock.DATELINE)
_BARE_DATELINE = re.compile(stock.BARE_DATELINE)
_PAREN_CREDIT = re.compile(stock.PAREN_CREDIT)  # case-sensitive: names and agencies are capitalised
_DOMAIN_CREDIT = re.compile(stock.DOMAIN_CREDIT)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[-/.](?:\d{1,2}|[A-Za-z]{3,9})[-/.]\d{1,4}\b")
# How many lead paragraphs may carry the agency dateline (a standfirst or a caption can come first).
DATELINE_PARAGRAPHS = 3
_BULLET = re.compile(r"^[-–—•*·]\s+")
_REPEATED = re.compile(r"^(?P<once>.{20,}?)(?:\s*(?P=once))+$", re.DOTALL)
# A lone "Â" is what is left of a UTF-8 no-break space read as Latin-1 once the
# space itself was lost; ftfy cannot tell it from a real "Â", but before a space or
# at the end of a line it is never a letter of a word.
_STRAY_A_CIRCUMFLEX = re.compile(r"Â(?=[\s\u00a0]|$)", re.MULTILINE)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_TERMINAL = tuple(".!?…\"”’»)'")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})\b|\b(\d{1,2}) ([A-Za-z]{3,9}),? (\d{4})\b")

ENCODINGS = ("utf-8", "cp1252", "latin-1")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes, trying UTF-8, then cp1252, then Latin-1.

    Refuses binary data: NUL bytes, or control characters that no text
    encoding would produce in prose.
    """
    if b"\x00" in data:
        raise TextError("binary file: it contains NUL bytes")
    for encoding in ENCODINGS:
        try:
            text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
        if controls > max(2, len(text) // 1000):
            if encoding == ENCODINGS[-1]:
                raise TextError(f"binary file: {controls} control characters in {len(text)}")
            continue
        return text, encoding
    raise TextError("not text in UTF-8, cp1252 or Latin-1")


def fix_encoding(text: str) -> str:
    """Repair mojibake and normalise line ends and spaces; keeps curly quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True)
    text = _STRAY_A_CIRCUMFLEX.sub("", text)
    text = _ZERO_WIDTH.sub("", text)
    text = text.replace("\u00a0", " ").replace("\t", " ")
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a fixed text.

    Most scraped articles put one paragraph on a line. A text hard-wrapped at a
    fixed width (blank lines between paragraphs, short lines inside them) has
    its wrapped lines joined back into paragraphs.
    """
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    lines = [line for line in text.split("\n") if line.strip()]
    multi_line_blocks = sum(1 for b in blocks if "\n" in b.strip())
    if lines and multi_line_blocks >= max(2, len(blocks) // 3):
        widths = [len(line) for line in lines]
        if statistics.median(widths) < 90 and max(widths) < 110:
            return [" ".join(b.split()) for b in blocks]
    return [line for line in lines]


def _ends_as_sentence(line: str) -> bool:
    return line.endswith(_TERMINAL)


def _is_heading(line: str) -> bool:
    words = line.split()
    if line.isupper() and len(words) <= 25:
        return True
    return not _ends_as_sentence(line) and len(words) <= 25


def _caption_text(line: str) -> str | None:
    """The caption a line carries, once, or None when the line is not a caption.

    A line is a caption when it carries a photo credit after its text
    ("... Photograph: Agency", "... (Agency/Jane Doe)", "... example.org") or
    reads like one ("Photo of ...", "(L)" with a picture word). The credit is
    left out of the caption. An empty string means the line is only a credit.
    """
    credit = _PHOTO_CREDIT.search(line)
    trailing = _PAREN_CREDIT.search(line) or _DOMAIN_CREDIT.search(line)
    if credit and credit.start() == 0:
        # "Photo: Jane Doe/Agency" is only a credit; a longer text after the label is the caption.
        rest = line[credit.end():].strip()
        text = rest if len(rest.split()) > 6 else ""
    elif credit:
        text = line[: credit.start()].strip()
    elif trailing and (trailing.start() == 0 or line[: trailing.start()].rstrip().endswith(_TERMINAL)):
        text = line[: trailing.start()].strip()
    elif _CAPTION_OPENING.match(line) or (
        _POSITION_MARK.search(line) and _PICTURE_WORD.search(line) and len(line.split()) <= 40
    ):
        text = line
    else:
        return None
    repeated = _REPEATED.match(text)
    return (repeated.group("once") if repeated else text).strip()


def _is_time_stamp(line: str) -> bool:
    """A line that only says when the page was written ("Updated 09:06, 16-Dec-2021").

    With a clock time or a stamp word, two other words may stand (an outlet's
    name); a bare date must stand alone.
    """
    if _ends_as_sentence(line) or len(line.split()) > 10:
        return False
    has_clock = bool(_CLOCK.search(line))
    rest = _NUMERIC_DATE.sub(" ", _CLOCK.sub(" ", line))
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", rest)]
    has_stamp_word = any(w in stock.STAMP_WORDS - {"on", "at", "last"} for w in words)
    dated = has_clock or parse_date(line) is not None or bool(_NUMERIC_DATE.search(line))
    others = [w for w in words if w not in stock.STAMP_WORDS and w not in stock.MONTHS]
    if has_clock or (has_stamp_word and dated):
        return len(others) <= 2
    return dated and not others


def _is_title_case(line: str) -> bool:
    """Five words or more, every word but the small ones capitalised, not all in capitals."""
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    if len(words) < 5 or line.isupper():
        return False
    big = [w for w in words if w.lower() not in stock.TITLE_CASE_SMALL_WORDS]
    return len(big) >= 3 and all(w[0].isupper() for w in big)


def _looks_cut_off(line: str) -> bool:
    """A sentence the site cut short: no end punctuation, and either a quote left open
    or five words or more that do not read as a title."""
    if _ends_as_sentence(line) or line.isupper():
        return False
    opened = line.count("“") > line.count("”") or line.count('"') % 2 == 1
    return opened or (len(line.split()) >= 5 and not _is_title_case(line))


def strip_dateline(text: str, *, lead: bool) -> tuple[str, str]:
    """(dateline, rest) of a paragraph that opens with an agency dateline, else ("", text).

    `lead` says the paragraph is the story's first: only there does a bare
    capitalised place and a dash ("CITY – ") count as a dateline.
    """
    match = _DATELINE.match(text) or (_BARE_DATELINE.match(text) if lead else None)
    if not match:
        return "", text
    return match.group().strip(), text[match.end():].strip()


def parse_date(text: str) -> dt.date | None:
    """The first date written as 2021-12-08, December 8, 2021, or 8 December 2021."""
    if m := _ISO_DATE.search(text):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    for m in _WORD_DATE.finditer(text):
        month, day, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
        number = stock.MONTHS.get(month.lower())
        if number:
            try:
                return dt.date(int(year), number, int(day))
            except ValueError:
                continue
    return None


def _is_metadata(line: str) -> bool:
    """A line of fields separated by bars that carries a date or a source, or a lone "Source: X"."""
    if _SOURCE_LINE.match(line):
        return True
    return "|" in line and (bool(_SOURCE_FIELD.search(line)) or parse_date(line) is not None) and len(line) < 200


_SOURCE_LINE = re.compile(r"^\s*source\s*:\s*(?P<outlet>[^|]{1,80}?)\s*$", re.IGNORECASE)
# An outlet's name as printed beside a date or after a byline: capitalised words ("Daily Planet",
# "The Irish Times", "AP"), small joining words allowed; no digits, no lower-case description
# ("Moscow correspondent").
_OUTLET_NAME = re.compile(r"^(?:[A-Z][\w&.'’-]*|of|the|and|for|de|la)(?:\s+(?:[A-Z][\w&.'’-]*|of|the|and|for|de|la)){0,5}$")


def outlet_of(line: str) -> str | None:
    """The outlet a metadata or byline line names: "Source: X", "X | date", "By Name, X"."""
    if m := _SOURCE_FIELD.search(line) or _SOURCE_LINE.match(line):
        return m["outlet"].strip()
    fields = [f.strip() for f in line.split("|")]
    # "Daily Planet | 2024-03-02": a name and a date, nothing else (a third field is a page's
    # furniture: "Section | date | site", where the first field is a section, not the outlet).
    if len(fields) == 2 and _OUTLET_NAME.match(fields[0]) and parse_date(fields[1]) is not None:
        return fields[0]
    if _BYLINE.match(line) and "," in line:
        last = line.rsplit(",", 1)[1].strip()
        if _OUTLET_NAME.match(last):
            return last
    return None


def _title_of(line: str) -> str:
    """A headline without a trailing " | Section" or " | Site" label."""
    head, sep, tail = line.rpartition(" | ")
    if sep and head and len(tail.split()) <= 4:
        return head.strip()
    return line


def _is_furniture(line: str) -> bool:
    """A line that is never a claim, by its shape or as a stock phrase of news pages."""
    return bool(
        _BOILERPLATE.match(line)
        or _SIGNATURE.match(line)
        or _BYLINE.match(line)
        or _BAR_BYLINE.match(line)
        or _is_time_stamp(line)
        # A byline whose names were stripped ("in Washington and in Moscow").
        or (line[:1].islower() and not _ends_as_sentence(line) and len(line.split()) <= 8)
    )


def clean_article(text: str) -> CleanArticle:
    text = fix_encoding(text)
    lines = split_paragraphs(text)
    if not lines:
        raise TextError("empty: no text")
    title = _title_of(lines[0])
    paragraphs = [Paragraph(title, "title" if _is_heading(title) else "text")]
    dropped: list[str] = []
    outlet = published = None
    seen_captions: set[str] = set()
    lead_paragraphs = 0  # body paragraphs of prose so far, for the dateline
    dateline_seen = False

    for line in lines[1:]:
        bare = _BULLET.sub("", line)
        if _is_metadata(bare):
            outlet = outlet or outlet_of(bare)
            published = published or parse_date(bare)
            dropped.append(line)
            continue
        if _is_furniture(bare):
            outlet = outlet or outlet_of(bare)
            dropped.append(line)
            continue
        caption = _caption_text(line)
        if caption is not None:
            if not caption or caption in seen_captions:
                dropped.append(line)
            else:
                seen_captions.add(caption)
                paragraphs.append(Paragraph(caption, "caption"))
            continue
        body = _END_MARKER.sub("", _TRAILING_NOTICE.sub("", _PARAGRAPH_PREFIX.sub("", line)))
        if not dateline_seen and lead_paragraphs < DATELINE_PARAGRAPHS:
            dateline, body = strip_dateline(body, lead=lead_paragraphs == 0)
            if dateline:
                dateline_seen = True
                dropped.append(dateline)
        if not body or any(p.text == body for p in paragraphs):
            # Nothing left, or a line the page repeats (a headline printed twice, a caption without credit).
            dropped.append(line)
            continue
        kind = "heading" if _is_heading(body) else "text"
        lead_paragraphs += kind == "text"
        paragraphs.append(Paragraph(body, kind))

    # A site that cuts an article short leaves its last sentence unfinished: still prose.
    last = paragraphs[-1]
    if len(paragraphs) > 1 and last.kind == "heading" and _looks_cut_off(last.text) and lead_paragraphs:
        paragraphs[-1] = Paragraph(last.text, "text")

    paragraphs = _without_link_titles(paragraphs, dropped)
    paragraphs = _without_lone_credits(paragraphs, dropped)

    # Short unpunctuated lines after the last paragraph of prose are page furniture.
    while len(paragraphs) > 1 and paragraphs[-1].kind == "heading" and len(paragraphs[-1].text.split()) <= 4:
        dropped.append(paragraphs.pop().text)

    if not any(p.kind == "text" for p in paragraphs):
        raise TextError("empty after cleaning: no paragraph of prose is left")
    return CleanArticle(
        title=title[:500],
        paragraphs=tuple(paragraphs),
        outlet=outlet,
        published=published,
        dropped=tuple(dropped),
    )


def _without_link_titles(paragraphs: list[Paragraph], dropped: list[str]) -> list[Paragraph]:
    """Drop a lone title-case line between two paragraphs of prose: the title of a linked
    article ("Allies Weigh New Steps After the Talks"). Section headings are rarely that
    long in title case, and a heading that opens a section follows no prose of its own."""
    kept: list[Paragraph] = []
    for i, p in enumerate(paragraphs):
        after_prose = bool(kept) and kept[-1].kind == "text"
        between_prose = after_prose and i + 1 < len(paragraphs) and paragraphs[i + 1].kind == "text"
        if p.kind == "heading" and between_prose and _is_title_case(p.text):
            dropped.append(p.text)
            continue
        kept.append(p)
    return kept


def _without_lone_credits(paragraphs: list[Paragraph], dropped: list[str]) -> list[Paragraph]:
    """Drop a heading of one or two capitalised words next to a caption: the photo's
    credit ("Agency"), which some pages print on a line of its own."""
    kept: list[Paragraph] = []
    for i, p in enumerate(paragraphs):
        beside = [q.kind for q in paragraphs[max(i - 1, 0):i] + paragraphs[i + 1:i + 2]]
        words = p.text.split()
        if p.kind == "heading" and "caption" in beside and len(words) <= 2 and all(w[:1].isupper() for w in words):
            dropped.append(p.text)
            continue
        kept.append(p)
    return kept

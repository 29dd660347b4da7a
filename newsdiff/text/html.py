"""Find the article in a web page: its text and what the page says about it.

Pure functions, no database: bytes or a string in, values out.

`looks_like_html(data)` -> whether a file's bytes are a web page, whatever its name.
`decode_page(data, charset=None)` -> (html, encoding used), or `TextError`.
`extract_page(html, url=None)` -> `PageArticle`, or `TextError` when the page holds
no article.

trafilatura finds the main text (navigation, share buttons, related links,
comments and the footer are left out) and the page's metadata: title, author,
publication date, site name, canonical address. `PageArticle.text` writes the
article as the plain-text files of a story folder are written (title on the
first line, then one paragraph a line), so the text pipeline after it
(`clean.clean_article`, then segmentation and attribution) is the same for a
page and for its plain-text copy and gives the same passages.

>>> page = extract_page('''<html><head><title>Talks end | Daily Planet</title>
... <meta property="og:site_name" content="Daily Planet"></head><body>
... <nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>Talks end</h1>
... <p>The talks between the two ministers ended on Tuesday after four hours of work.</p>
... <p>"We agreed to meet again," said Ardo Venn, who led the delegation of Velaria.</p>
... </article><footer>Copyright Daily Planet</footer></body></html>''')
>>> page.title, page.site_name
('Talks end', 'Daily Planet')
>>> print(page.text)
Talks end
The talks between the two ministers ended on Tuesday after four hours of work.
"We agreed to meet again," said Ardo Venn, who led the delegation of Velaria.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass

from .clean import TextError, decode_bytes

# How far into a page its <meta charset> is looked for (the HTML standard says 1024 bytes;
# some pages put it later, after long comments).
CHARSET_WINDOW = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE | re.DOTALL)
# Limits that match the database's column widths (storyfile.LIMITS).
MAX_TITLE, MAX_AUTHOR, MAX_SITE_NAME, MAX_URL = 500, 200, 200, 1000


@dataclass(frozen=True)
class PageArticle:
    """An article found in a web page; any metadata the page does not give is None."""

    title: str
    paragraphs: tuple[str, ...]  # the main text, one block a line: paragraphs, headings, list items
    author: str | None = None
    published: dt.date | None = None
    site_name: str | None = None
    url: str | None = None  # the page's canonical http(s) address, when it names one

    @property
    def text(self) -> str:
        """The article as a plain-text story file holds it: the title, then one paragraph a line."""
        lines = [self.title] if self.title else []
        lines += [p for p in self.paragraphs if p != self.title]
        return "\n".join(lines)


def looks_like_html(data: bytes) -> bool:
    """Whether the bytes open as a web page does (a doctype, <html> or <head>, after any comments)."""
    head = data[:CHARSET_WINDOW].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head))


def decode_page(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode a page's bytes: by `charset` (from the HTTP header) if given and known, else
    by the page's own <meta charset>, else as any text file (`clean.decode_bytes`)."""
    if b"\x00" in data:
        raise TextError("binary file: it contains NUL bytes")
    declared = _META_CHARSET.search(data[:CHARSET_WINDOW])
    for name in (charset, declared and declared[1].decode("ascii", "replace")):
        encoding = _known_encoding(name)
        if encoding:
            try:
                return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
            except UnicodeDecodeError:
                continue  # a wrong declaration: try the next source
    return decode_bytes(data)


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name.replace("_", "-")
    except LookupError:
        return None


def extract_page(html: str, url: str | None = None) -> PageArticle:
    """The article in a page, or TextError when trafilatura finds no main text in it."""
    import trafilatura  # imported here: loading it takes a while, and only pages need it

    if not html.strip():
        raise TextError("empty page")
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        # Only dates the page states in its markup or address, never one guessed from its text
        # (a copyright year, a date in a related link).
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or document.body is None:
        raise TextError("no article found in the page: it has no main text that reads as prose")
    paragraphs = tuple(_blocks(document.body))
    if not paragraphs:
        raise TextError("no article found in the page: it has no main text that reads as prose")
    title = _one_line(document.title or "")[:MAX_TITLE]
    if not title:
        title, paragraphs = paragraphs[0][:MAX_TITLE], paragraphs[1:]
    return PageArticle(
        title=title,
        paragraphs=paragraphs,
        author=_short(document.author, MAX_AUTHOR),
        published=_date(document.date),
        site_name=_short(document.sitename, MAX_SITE_NAME),
        url=_http_url(document.url),
    )


def _blocks(body) -> list[str]:
    """One line for each block of trafilatura's main text: a paragraph, a heading, a list item,
    a quoted paragraph; a line break inside a block (<br>) starts a new line, as it would in a file."""
    lines: list[str] = []
    for element in body:
        if element.tag in ("list", "quote") and len(element):
            parts = [child for child in element if child.tag in ("item", "p", "list")] or [element]
        else:
            parts = [element]
        for part in parts:
            lines += [line for line in (_one_line(t) for t in _text_with_breaks(part).split("\n")) if line]
    return lines


def _text_with_breaks(element) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if node.tag in ("item", "p", "head"):
            parts.append("\n")

    walk(element)
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(value: str | None, limit: int) -> str | None:
    value = _one_line(value or "")
    return value[:limit] or None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _http_url(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.lower().startswith(("http://", "https://")) and len(value) <= MAX_URL and " " not in value:
        return value
    return None

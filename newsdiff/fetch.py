"""Fetch one web page for `add_article`, within limits; no database.

`fetch_page(url)` -> `FetchedPage`, or `FetchError` whose message says what went
wrong, one failure at a time: an address that is not http(s), a host that cannot
be reached, no answer in time, an HTTP error status, too many redirects (or one
to another scheme), a content type that is not a web page, a page larger than
the limit. The size is checked against Content-Length before the body is read,
and again while it streams in, so a large page is never read whole. Only the
standard library: urllib follows the redirects, within `max_redirects`.
"""
from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

PAGE_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024
USER_AGENT = "newsdiff/1 (imports one article page)"
MAX_SOURCE = 255  # Article.source's width


class FetchError(ValueError):
    """The page cannot be fetched; the message says why."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # the address asked for
    final_url: str  # where the redirects led
    data: bytes
    content_type: str
    charset: str | None  # as the Content-Type header declared it


def fetch_page(url: str, *, timeout: float = 15.0, max_bytes: int = 2 * 1024 * 1024,
               max_redirects: int = 5, allow_private: bool = False) -> FetchedPage:
    """GET `url` and return the page. `timeout` bounds each wait for the server and the
    whole download; `max_bytes` bounds the page's size."""
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise FetchError(f"{url[:80]!r} is not an http or https address")
    if not allow_private:
        check_public(url)
    opener = urllib.request.build_opener(_LimitedRedirects(max_redirects, allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            content_type = _content_type(response.headers)
            if content_type not in PAGE_TYPES:
                raise FetchError(f"not a web page: the server says its content type is "
                                 f"{content_type or 'missing'!r} (expected text/html)")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"page too large: {int(length):,} bytes (the limit is {max_bytes:,})")
            data = _read_within(response, max_bytes, deadline, timeout)
            return FetchedPage(url=url, final_url=response.geturl(), data=data, content_type=content_type,
                               charset=response.headers.get_content_charset())
    except urllib.error.HTTPError as e:
        raise FetchError(f"the server answered HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"no answer within {timeout:g} s") from None
        raise FetchError(f"cannot reach {_host(url)}: {e.reason}") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"no answer within {timeout:g} s") from None
    except (OSError, ValueError) as e:
        if isinstance(e, FetchError):
            raise
        raise FetchError(f"cannot fetch {_host(url)}: {e}") from None


def source_name(url: str) -> str:
    """The name an article fetched from `url` is stored under in its story: the address's host,
    path and query as a file name ("planet.example_world_talks.html"). The same address gives
    the same name, so adding it again updates the article; a long one is cut and keeps a hash."""
    parsed = urllib.request.urlparse(url)
    raw = parsed.netloc + parsed.path + (f"_{parsed.query}" if parsed.query else "")
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", raw).strip("_.") or "page"
    name = re.sub(r"\.html?$", "", name, flags=re.IGNORECASE)
    if len(name) + len(".html") > MAX_SOURCE:
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        name = name[: MAX_SOURCE - len(".html") - len(digest) - 1] + "_" + digest
    return name + ".html"


def check_public(url: str) -> None:
    """FetchError unless every address the URL's host resolves to is a public one."""
    host = urllib.request.urlparse(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError) as e:
        raise FetchError(f"cannot reach {host or url[:80]}: {getattr(e, 'strerror', None) or e}") from None
    for address in sorted(addresses):
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise FetchError(f"{host} is a local or private address ({address}): not fetched "
                             "(NEWSDIFF_FETCH_PRIVATE=1 allows such addresses)")


def _read_within(response, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """The body, read in chunks: refused once it passes `max_bytes` or the deadline
    (a server that sends a byte at a time never times out a single read)."""
    chunks, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"page too large: more than {max_bytes:,} bytes (the limit)")
        if time.monotonic() > deadline:
            raise FetchError(f"no answer within {timeout:g} s: the page was still arriving")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(headers: Message) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower()


def _host(url: str) -> str:
    return urllib.request.urlparse(url).netloc or url[:80]


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most `limit` redirects, and only to http(s) addresses."""

    def __init__(self, limit: int, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private
        self.max_redirections = limit
        self.max_repeats = limit  # a loop is too many redirects too, said as such (see below)

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise FetchError(f"the server redirected to {newurl[:80]!r}, which is not an http or https address")
        if not self.allow_private:
            check_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(self, req, fp, code, msg, headers):
        visited = getattr(req, "redirect_dict", {})
        if sum(visited.values()) >= self.max_redirections:
            raise FetchError(f"too many redirects (more than {self.max_redirections})")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

"""Read and validate a story folder's `story.toml` (no database).

The schema is a public interface: researchers write these files.

    slug = "biden-putin-2021-12-07"          # required
    title = "Biden–Putin video call"         # required
    date = 2021-12-07                        # optional
    aliases = [["Kiev", "Kyiv"]]             # optional: spellings that name one thing
    [[voices]]                               # at least one; exactly one default
    slug = "white_house"                     # required
    name = "White House"                     # optional, defaults to the slug
    speakers = ["Joe Biden", "Jake Sullivan"]
    institutions = ["White House"]
    default = false
    [[articles]]                             # optional; else every .txt, .html and .htm file
    file = "000.txt"                         # required, relative to the folder (.html: a web page)
    outlet = "Xinhua"                        # optional
    url = "https://..."                      # optional
    published = 2021-12-08                   # optional

`load_story(path)` takes the file or its folder and returns a `StorySpec`, or
raises `StoryFileError` naming the file and every problem found. Every value is
checked for its type and against the database's limits (`LIMITS`) before anything
is stored; an article file must be a regular file inside the story folder (after
following links); a URL must be http or https; a byte-order mark is accepted.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

STORY_FILE = "story.toml"
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# The models' column widths, and counts past which a story is a mistake rather than a story.
LIMITS = {
    "slug": 100, "title": 300, "voice slug": 50, "voice name": 100, "speaker": 200, "institution": 200,
    "outlet": 200, "file": 255, "article title": 500, "url": 1000,
    "voices": 20, "speakers": 500, "articles": 5000,
}
URL_SCHEMES = ("http://", "https://")
# The files a folder without [[articles]] offers: plain text, and web pages (read by text/html.py).
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
KNOWN_STORY_KEYS = {"slug", "title", "date", "aliases", "voices", "articles", "description"}
KNOWN_VOICE_KEYS = {"slug", "name", "speakers", "institutions", "default", "aliases"}
KNOWN_ARTICLE_KEYS = {"file", "outlet", "url", "published", "title"}


class StoryFileError(ValueError):
    pass


@dataclass(frozen=True)
class VoiceSpec:
    slug: str
    name: str
    default: bool = False
    speakers: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # speaker -> other spellings


@dataclass(frozen=True)
class ArticleSpec:
    path: Path
    source: str  # the file name as listed
    outlet: str | None = None
    url: str = ""
    published: dt.date | None = None


@dataclass(frozen=True)
class StorySpec:
    path: Path
    slug: str
    title: str
    date: dt.date | None
    voices: tuple[VoiceSpec, ...]
    articles: tuple[ArticleSpec, ...]
    aliases: tuple[tuple[str, ...], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def default_voice(self) -> VoiceSpec:
        return next(v for v in self.voices if v.default)


def _date(value, where: str, problems: list[str]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{where}: {value!r} is not a date (write 2021-12-07)")
    return None


def _strings(value, where: str, problems: list[str], limit: int = 200) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where} must be a list of non-empty strings")
        return ()
    long = [v for v in value if len(v.strip()) > limit]
    if long:
        problems.append(f"{where}: {long[0][:40]!r}... is longer than {limit} characters")
        return ()
    return tuple(v.strip() for v in value)


def _text(value, where: str, problems: list[str], limit: int, required: bool = False) -> str | None:
    """A string value: the wrong type, empty when required, or too long is a problem."""
    if value is None:
        if required:
            problems.append(f"missing {where}")
        return None
    if not isinstance(value, str):
        problems.append(f"{where} must be a string, not {type(value).__name__} ({value!r:.40})")
        return None
    value = value.strip()
    if not value:
        if required:
            problems.append(f"missing {where}")
        return None
    if len(value) > limit:
        problems.append(f"{where} is {len(value)} characters long; at most {limit}")
        return None
    return value


def _url(value, where: str, problems: list[str]) -> str:
    url = _text(value, where, problems, LIMITS["url"]) or ""
    if url and (not url.lower().startswith(URL_SCHEMES) or any(c.isspace() for c in url)):
        problems.append(f"{where}: {url[:60]!r} is not an http or https address")
        return ""
    return url


def _inside(folder: Path, name: str, where: str, problems: list[str]) -> Path | None:
    """The article file `name`, if it is a regular file inside the story folder once links are followed."""
    path = folder / name
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        problems.append(f"{where}: file {name!r} does not exist in {folder}")
        return None
    if Path(name).is_absolute() or not real.is_relative_to(folder.resolve()):
        problems.append(f"{where}: {name!r} is outside the story folder")
        return None
    if not real.is_file():
        problems.append(f"{where}: {name!r} is not a regular file")
        return None
    return path


def _speaker_aliases(value, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where} must be a table of name = [other spellings]")
        return {}
    return {name: _strings(spellings, f"{where}.{name}", problems, LIMITS["speaker"])
            for name, spellings in value.items()}


def article_spec(source: str, *, outlet: str | None = None, url: str = "") -> ArticleSpec:
    """An article given outside a story folder (a URL, an upload, pasted text), checked as a
    story file's [[articles]] entry is: StoryFileError names every problem. Its `path` is only
    its name: the caller holds its bytes."""
    problems: list[str] = []
    name = _text(source, "file name", problems, LIMITS["file"], required=True)
    if name and ("/" in name or "\\" in name or name in (".", "..")):
        problems.append(f"file name {name!r} may not name a folder")
    spec_outlet = _text(outlet, "outlet", problems, LIMITS["outlet"])
    spec_url = _url(url or None, "url", problems)
    if problems:
        raise StoryFileError("; ".join(problems))
    return ArticleSpec(path=Path(name), source=name, outlet=spec_outlet, url=spec_url)


def story_file_path(path: Path | str) -> Path:
    path = Path(path)
    return path / STORY_FILE if path.is_dir() else path


def load_story(path: Path | str) -> StorySpec:
    file = story_file_path(path)
    if not file.exists():
        raise StoryFileError(f"{file}: no such file")
    if not file.is_file():
        raise StoryFileError(f"{file}: not a file")
    try:
        # utf-8-sig: a byte-order mark, as some editors write, is not a TOML error.
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise StoryFileError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise StoryFileError(f"{file}: not valid TOML: {e}") from None
    return parse_story(data, file)


def parse_story(data: dict, file: Path, *, folder_articles: bool = True) -> StorySpec:
    """Check a story file's data. `folder_articles=False` is for a story made without a folder
    (in the admin): without [[articles]] it has none, rather than the folder's files."""
    problems: list[str] = []
    warnings = [f"unknown key {k!r} ignored" for k in sorted(set(data) - KNOWN_STORY_KEYS)]

    slug = _text(data.get("slug"), "slug", problems, LIMITS["slug"], required=True)
    if slug and not SLUG.match(slug):
        problems.append(f"slug {slug!r} may hold only letters, digits, '-' and '_'")
    title = _text(data.get("title"), "title", problems, LIMITS["title"], required=True)
    date = _date(data.get("date"), "date", problems)

    aliases = []
    raw_aliases = data.get("aliases", []) or []
    if not isinstance(raw_aliases, list):
        problems.append('aliases must be a list of lists of spellings: aliases = [["Kiev", "Kyiv"]]')
        raw_aliases = []
    for i, group in enumerate(raw_aliases):
        spellings = _strings(group, f"aliases[{i}]", problems)
        if len(spellings) >= 2:
            aliases.append(spellings)

    voices = []
    raw_voices = data.get("voices")
    if not isinstance(raw_voices, list) or not raw_voices:
        problems.append("no [[voices]]: a story needs at least its default voice")
        raw_voices = []
    elif len(raw_voices) > LIMITS["voices"]:
        problems.append(f"{len(raw_voices)} voices: at most {LIMITS['voices']}")
        raw_voices = []
    for i, v in enumerate(raw_voices):
        where = f"voices[{i}]"
        if not isinstance(v, dict):
            problems.append(f"{where} must be a table")
            continue
        warnings += [f"{where}: unknown key {k!r} ignored" for k in sorted(set(v) - KNOWN_VOICE_KEYS)]
        if v.get("slug") is None:
            problems.append(f"{where} has no slug")
            continue
        vslug = _text(v.get("slug"), f"{where}.slug", problems, LIMITS["voice slug"], required=True)
        if vslug is None:
            continue
        if not SLUG.match(vslug):
            problems.append(f"{where}: slug {vslug!r} may hold only letters, digits, '-' and '_'")
        default = v.get("default", False)
        if not isinstance(default, bool):
            problems.append(f"{where}: default must be true or false")
        voices.append(
            VoiceSpec(
                slug=vslug,
                name=_text(v.get("name"), f"{where}.name", problems, LIMITS["voice name"]) or vslug,
                default=default is True,
                speakers=_strings(v.get("speakers"), f"{where}.speakers", problems, LIMITS["speaker"]),
                institutions=_strings(v.get("institutions"), f"{where}.institutions", problems, LIMITS["institution"]),
                aliases=_speaker_aliases(v.get("aliases"), f"{where}.aliases", problems),
            )
        )
    slugs = [v.slug for v in voices]
    for dup in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.append(f"voice slug {dup!r} is used twice")
    defaults = [v.slug for v in voices if v.default]
    if voices and len(defaults) == 0:
        problems.append("no default voice: mark one voice with default = true")
    if len(defaults) > 1:
        problems.append(f"two or more default voices ({', '.join(defaults)}): exactly one may be default")
    speakers = [s for v in voices for s in v.speakers]
    if len(speakers) > LIMITS["speakers"]:
        problems.append(f"{len(speakers)} speakers: at most {LIMITS['speakers']}")
    for dup in sorted({s for s in speakers if speakers.count(s) > 1}):
        problems.append(f"speaker {dup!r} is listed under two voices")

    folder = file.parent
    articles = []
    raw_articles = data.get("articles")
    if raw_articles is None and not folder_articles:
        pass
    elif raw_articles is None:
        files = sorted(p for p in folder.iterdir()
                       if p.suffix.lower() in ARTICLE_SUFFIXES and (p.is_file() or p.is_symlink()))
        if not files:
            problems.append(f"no [[articles]] listed and no .txt or .html file in {folder}")
        for p in files:
            if _inside(folder, p.name, p.name, problems):
                articles.append(ArticleSpec(path=p, source=p.name))
    elif not isinstance(raw_articles, list):
        problems.append("articles must be a list of [[articles]] tables")
    elif not raw_articles:
        problems.append(f"articles = [] lists no article: list some, or leave the key out to take every .txt and .html file in {folder}")
    elif len(raw_articles) > LIMITS["articles"]:
        problems.append(f"{len(raw_articles)} articles: at most {LIMITS['articles']} in one story file")
    else:
        for i, a in enumerate(raw_articles):
            where = f"articles[{i}]"
            if not isinstance(a, dict) or a.get("file") is None:
                problems.append(f"{where} has no file")
                continue
            warnings += [f"{where}: unknown key {k!r} ignored" for k in sorted(set(a) - KNOWN_ARTICLE_KEYS)]
            name = _text(a["file"], f"{where}.file", problems, LIMITS["file"], required=True)
            if name is None:
                continue
            # Refused before anything is read: an absolute path, '..' or a link leading out.
            path = _inside(folder, name, where, problems)
            if path is None:
                continue
            articles.append(
                ArticleSpec(
                    path=path,
                    source=name,
                    outlet=_text(a.get("outlet"), f"{where}.outlet", problems, LIMITS["outlet"]),
                    url=_url(a.get("url"), f"{where}.url", problems),
                    published=_date(a.get("published"), f"{where}.published", problems),
                )
            )
        sources = [a.source for a in articles]
        for dup in sorted({s for s in sources if sources.count(s) > 1}):
            problems.append(f"file {dup!r} is listed twice")

    if problems:
        raise StoryFileError(f"{file}: " + "; ".join(problems))
    return StorySpec(
        path=file,
        slug=slug,
        title=title,
        date=date,
        voices=tuple(voices),
        articles=tuple(articles),
        aliases=tuple(aliases),
        warnings=tuple(warnings),
    )

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
    [[articles]]                             # optional; else every .txt in the folder
    file = "000.txt"                         # required, relative to the folder
    outlet = "Xinhua"                        # optional
    url = "https://..."                      # optional
    published = 2021-12-08                   # optional

`load_story(path)` takes the file or its folder and returns a `StorySpec`, or
raises `StoryFileError` naming the file and every problem found.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

STORY_FILE = "story.toml"
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
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


def _strings(value, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where} must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def _speaker_aliases(value, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where} must be a table of name = [other spellings]")
        return {}
    return {name: _strings(spellings, f"{where}.{name}", problems) for name, spellings in value.items()}


def story_file_path(path: Path | str) -> Path:
    path = Path(path)
    return path / STORY_FILE if path.is_dir() else path


def load_story(path: Path | str) -> StorySpec:
    file = story_file_path(path)
    if not file.exists():
        raise StoryFileError(f"{file}: no such file")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise StoryFileError(f"{file}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise StoryFileError(f"{file}: not valid TOML: {e}") from None
    return parse_story(data, file)


def parse_story(data: dict, file: Path) -> StorySpec:
    problems: list[str] = []
    warnings = [f"unknown key {k!r} ignored" for k in sorted(set(data) - KNOWN_STORY_KEYS)]

    slug = data.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        problems.append("missing slug")
    elif not SLUG.match(slug):
        problems.append(f"slug {slug!r} may hold only letters, digits, '-' and '_'")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("missing title")
    date = _date(data.get("date"), "date", problems)

    aliases = []
    for i, group in enumerate(data.get("aliases", []) or []):
        spellings = _strings(group, f"aliases[{i}]", problems)
        if len(spellings) >= 2:
            aliases.append(spellings)

    voices = []
    raw_voices = data.get("voices")
    if not isinstance(raw_voices, list) or not raw_voices:
        problems.append("no [[voices]]: a story needs at least its default voice")
        raw_voices = []
    for i, v in enumerate(raw_voices):
        where = f"voices[{i}]"
        if not isinstance(v, dict):
            problems.append(f"{where} must be a table")
            continue
        warnings += [f"{where}: unknown key {k!r} ignored" for k in sorted(set(v) - KNOWN_VOICE_KEYS)]
        vslug = v.get("slug")
        if not isinstance(vslug, str) or not vslug.strip():
            problems.append(f"{where} has no slug")
            continue
        if not SLUG.match(vslug):
            problems.append(f"{where}: slug {vslug!r} may hold only letters, digits, '-' and '_'")
        default = v.get("default", False)
        if not isinstance(default, bool):
            problems.append(f"{where}: default must be true or false")
        voices.append(
            VoiceSpec(
                slug=vslug,
                name=str(v.get("name") or vslug),
                default=default is True,
                speakers=_strings(v.get("speakers"), f"{where}.speakers", problems),
                institutions=_strings(v.get("institutions"), f"{where}.institutions", problems),
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
    for dup in sorted({s for s in speakers if speakers.count(s) > 1}):
        problems.append(f"speaker {dup!r} is listed under two voices")

    folder = file.parent
    articles = []
    raw_articles = data.get("articles")
    if raw_articles is None:
        files = sorted(p for p in folder.glob("*.txt") if p.is_file())
        if not files:
            problems.append(f"no [[articles]] listed and no .txt file in {folder}")
        articles = [ArticleSpec(path=p, source=p.name) for p in files]
    elif not isinstance(raw_articles, list):
        problems.append("articles must be a list of [[articles]] tables")
    else:
        for i, a in enumerate(raw_articles):
            where = f"articles[{i}]"
            if not isinstance(a, dict) or not isinstance(a.get("file"), str) or not a["file"].strip():
                problems.append(f"{where} has no file")
                continue
            warnings += [f"{where}: unknown key {k!r} ignored" for k in sorted(set(a) - KNOWN_ARTICLE_KEYS)]
            path = folder / a["file"]
            if not path.is_file():
                problems.append(f"{where}: file {a['file']!r} does not exist in {folder}")
                continue
            outlet = a.get("outlet")
            if outlet is not None and (not isinstance(outlet, str) or not outlet.strip()):
                problems.append(f"{where}: outlet must be a non-empty string")
                outlet = None
            articles.append(
                ArticleSpec(
                    path=path,
                    source=a["file"],
                    outlet=outlet.strip() if outlet else None,
                    url=str(a.get("url") or ""),
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
        title=title.strip(),
        date=date,
        voices=tuple(voices),
        articles=tuple(articles),
        aliases=tuple(aliases),
        warnings=tuple(warnings),
    )

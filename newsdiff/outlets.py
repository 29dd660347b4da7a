"""How outlets are told apart on every page: a stable colour class and a short monogram. Pure.

`monograms(names)` gives each outlet name two or three capitals from its words
("The Daily Planet" -> "DP", "Xinhua" -> "XIN"), distinct within the list, so
a badge can be short and still name one outlet; the full name goes beside it
on hover and in the legend. Colours are assigned in name order, so the same
story always shows the same outlet in the same colour.
"""
from __future__ import annotations

import re
import unicodedata

OUTLET_PALETTE = 10  # classes outlet-c0 .. outlet-c9 in newsdiff.css
_SMALL_WORDS = {"the", "a", "an", "of", "and", "&", "de", "la", "le", "el", "for", "on", "in", "via", "news"}


def _letters(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in plain if ch.isalnum()).upper()


def _candidates(name: str) -> list[str]:
    """Monograms for one name, best first: initials of its main words, then longer cuts of them."""
    bare = re.sub(r"\(.*?\)", " ", name)  # "Al Jazeera (wire copy)": the aside names no outlet
    words = [w for w in re.split(r"[\s\-–—/()|,.:]+", bare) if _letters(w)]
    main = [w for w in words if w.casefold() not in _SMALL_WORDS] or words
    letters = [_letters(w) for w in main]
    out = []
    if len(main) == 1 and main[0].isupper() and len(letters[0]) <= 4:
        out.append(letters[0])  # an acronym is its own monogram: TASS, CGTN
    if len(letters) >= 2:
        out.append("".join(w[0] for w in letters[:3]))
        out.append(letters[0][0] + letters[1][:2])
        out.append(letters[0][:2] + letters[1][0])
    if letters:
        out.append(letters[0][:3])
        out.append(letters[0][:2] + (letters[-1][-1] if len(letters) > 1 else letters[0][-1]))
    out.append(_letters(name)[:4] or "?")
    return [c for c in dict.fromkeys(out) if c]


def monograms(names: list[str]) -> dict[str, str]:
    """A distinct short monogram for each name (names compared as given)."""
    taken: dict[str, str] = {}
    result: dict[str, str] = {}
    for name in sorted(dict.fromkeys(names), key=str.casefold):
        options = _candidates(name)
        choice = next((c for c in options if c not in taken), None)
        n = 2
        while choice is None:  # every cut is taken: number it
            choice = f"{options[0]}{n}"
            choice = None if choice in taken else choice
            n += 1
        taken[choice] = name
        result[name] = choice
    return result


def colour_classes(names: list[str]) -> dict[str, str]:
    """A colour class per name, assigned in name order (stable for a story's set of outlets)."""
    ordered = sorted(dict.fromkeys(names), key=str.casefold)
    return {name: f"outlet-c{n % OUTLET_PALETTE}" for n, name in enumerate(ordered)}

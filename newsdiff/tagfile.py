"""A file of editor decisions (TOML), as the demo fixture ships them. Pure: text in, `PairTag`s out.

    [[pair]]
    a = { file = "one.txt", says = "a phrase found once in that article" }
    b = { file = "two.txt", says = "another phrase" }
    status = "confirmed"          # proposed | confirmed | rejected
    relation = "variant"          # verbatim | variant | paraphrase | contradiction | related
    note = "optional"

and each pair names its editor in `tagged_by` (required). `parse_tags(text, name)`
reports every problem at once (`TagFileError`); `fixture` applies the tags through
`editing`, like any other decision.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass

STATUSES = ("proposed", "confirmed", "rejected")
RELATIONS = ("verbatim", "variant", "paraphrase", "contradiction", "related")


class TagFileError(ValueError):
    pass


@dataclass(frozen=True)
class PassageRef:
    file: str
    says: str


@dataclass(frozen=True)
class PairTag:
    a: PassageRef
    b: PassageRef
    status: str
    relation: str
    tagged_by: str
    note: str = ""


def parse_tags(text: str, name: str = "tags") -> list[PairTag]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TagFileError(f"{name}: not valid TOML: {e}") from None
    problems, tags = [], []
    for n, entry in enumerate(data.get("pair", []), start=1):
        where = f"{name}: pair {n}"
        refs = []
        for side in ("a", "b"):
            ref = entry.get(side)
            if not isinstance(ref, dict) or not ref.get("file") or not ref.get("says"):
                problems.append(f"{where}: '{side}' needs file and says")
            else:
                refs.append(PassageRef(str(ref["file"]), str(ref["says"])))
        if entry.get("status") not in STATUSES:
            problems.append(f"{where}: status must be one of {', '.join(STATUSES)}")
        if entry.get("relation") not in RELATIONS:
            problems.append(f"{where}: relation must be one of {', '.join(RELATIONS)}")
        if not entry.get("tagged_by"):
            problems.append(f"{where}: tagged_by (the editor's name) is required")
        if len(refs) == 2 and not problems:
            tags.append(PairTag(refs[0], refs[1], entry["status"], entry["relation"], str(entry["tagged_by"]),
                                str(entry.get("note", ""))))
    if problems:
        raise TagFileError("; ".join(problems))
    return tags

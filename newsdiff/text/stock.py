"""Stock phrases of web news pages, as data.

Each pattern is matched against a whole line (case-insensitive) after a
leading bullet is removed. These are conventions of news sites in general
(share bars, comment forms, author boxes, tag lists, credits); nothing here
names one story's text.
"""
import re

BOILERPLATE_LINES = [
    r"(share|tweet|email|print|save)( (this|the) (article|story|page))?( on \w+)?",
    r"share (on|via) .{1,40}",
    r"follow (us|.{1,60}) on .{1,40}",
    r"leave a (reply|comment)",
    r"(your )?email address will not be published.*",
    r"required fields are marked.*",
    r"(post(ed)? )?comments?( \(\d+\))?",
    r"source link",
    r"recommended( for you)?",
    r"(related|more)( (articles?|stories|posts|news|coverage|reading))?( ?:.*)?",
    r"(read|see) (more|also).{0,120}",
    r"continue reading.{0,60}",
    r"advertisement|sponsored( content)?",
    r"(back|back to top|top|home)",
    r"(sign up|subscribe).{0,120}",
    r"about the author\b.*",
    r"(key ?words|tags|topics|filed under)\s*:.*",
    r"via [^.!?]{1,60}\.?",
    r"\(?[^()]{0,200}\bcontributed (reporting )?to (this|the) (story|report|article)\.?\)?",
    r"(editor|editing)\s*:.{0,100}",
    r"(edited|reporting|writing|additional reporting) by\b.{0,100}",
    r"copyright\b.{0,120}|©.{0,120}|all rights reserved.{0,60}",
]

# A line made only of a signature such as "/Outlet".
SIGNATURE_LINE = r"/\s*\S{1,40}"

# A byline: "by Jane Doe", "By Jane Doe and John Roe".
BYLINE = r"[Bb]y\s+[A-Z][\w.'’-]*(\s+(and\s+)?[A-Z][\w.'’-]*){0,5}"

# Markers some agencies put at the end of a story's last paragraph.
END_MARKERS = [r"enditem", r"\(end\)", r"-?\s*end\s*-", r"###", r"\*\*\*"]

# Photo credits: a caption line carries one of these.
PHOTO_CREDIT = r"\b(photograph|photo|picture|image|credit)s?\s*:\s*"

# Caption openings ("Combo photo of ...", "File photo shows ...") and position marks "(L)", "(R)".
CAPTION_OPENING = r"((combo|file|undated|handout)\s+)?(photo|picture|image)\s+(of|shows|taken)\b"
POSITION_MARK = r"\((l|r|c|left|right|centre|center|front|back)\)"

# A metadata line: "Source: Agency| 2021-12-08 11:24:51|Editor: x" or "Section | December 8, 2021 // 11:18| site".
SOURCE_FIELD = r"source\s*:\s*(?P<outlet>[^|]{1,80}?)\s*(\||$)"

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def compile_lines(patterns: list[str]) -> re.Pattern:
    return re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in patterns) + r")$", re.IGNORECASE)

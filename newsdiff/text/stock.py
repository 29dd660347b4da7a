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
    r"follow us\b.{0,100}",
    r"(click|tap) (here|below|the link)\b.{0,120}",
    r"leave a (reply|comment)",
    r"(your )?email address will not be published.*",
    r"required fields are marked.*",
    r"(post(ed)? )?comments?( \(\d+\))?",
    r"source link",
    r"recommended( for you| videos?| stories| reading)?",
    r"(related|more)( (articles?|stories|posts|news|coverage|reading))?( ?:.*)?",
    r"(read|see) (some )?(more|also)\b.{0,120}",
    r"also read\b.{0,120}",
    r"continue reading.{0,60}",
    r"advertisement|sponsored( content)?",
    # Photo gallery controls: "Full screen", "1 / 5".
    r"full ?screen|enlarge( (this )?(image|photo))?|(view|open) (the )?(gallery|slideshow)|\d{1,3}\s*(/|of)\s*\d{1,3}",
    r"(last )?(updated|published|posted|modified)\s*:?",
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

# What an ad slot or a video player that did not load says in the page's text, as a line of its
# own or as the last sentence of a paragraph ("This video is unavailable.").
NOTICE_SENTENCES = [
    r"[^.!?]{0,60}\badvertisement\b[^.!?]{0,80}[.!]?",
    r"[^.!?]{0,60}\bvideo\b[^.!?]{0,30}\b(failed to load|(is|was) not available|unavailable|cannot be played)\b"
    r"[^.!?]{0,40}[.!]?",
]
BOILERPLATE_LINES += NOTICE_SENTENCES

# A line made only of a signature such as "/Outlet".
SIGNATURE_LINE = r"/\s*\S{1,40}"

# A name as bylines write it: one to four capitalised words ("Jane Doe", "AGENCY NEWS").
_NAME = r"[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,3}"

# A byline, with its wire credit if any: "by Jane Doe", "By Jane Doe and John Roe",
# "By Jane Doe with Agency", "By Jane Doe and John Roe, Agency", "By Jane Doe (Agency)".
BYLINE = (
    rf"[Bb]y\s+{_NAME}(?:(?:\s*,\s*|\s+and\s+|\s+with\s+|\s*\|\s*){_NAME}){{0,4}}"
    rf"(?:\s*\(\s*{_NAME}\s*\))?"
)

# A byline without "by": "Jane Doe | Agency".
BAR_BYLINE = rf"{_NAME}\s*\|\s*{_NAME}"

# A label some sites glue to the start of a paragraph ("Article content The talks...").
PARAGRAPH_PREFIXES = [r"article content\s+"]

# Markers some agencies put at the end of a story's last paragraph.
END_MARKERS = [r"enditem", r"\(end\)", r"-?\s*end\s*-", r"###", r"\*\*\*"]

# Photo credits: a caption line carries one of these.
PHOTO_CREDIT = r"\b(photograph|photo|picture|image|credit)s?\s*:\s*"

# A credit in brackets at the end of a line: "(Agency/Jane Doe)", "(AP Photo/Jane Doe)",
# "(Agency: Jane Doe)", "(AGENCY / POOL / Jane Doe)", "(Jane Doe, Agency Pool Photo via AP)".
PAREN_CREDIT = (
    r"\(\s*(?:[^()]{0,80}\b(?i:photo|pool|images?|handout|credit)\b[^()]{0,80}"
    r"|[A-Z][\w.&'’ -]{0,40}?\s*[:/]\s*[A-Z][^()]{0,80})\s*\)\s*$"
)

# A caption credited to a web site after its last sentence: "... by video link. example.org".
DOMAIN_CREDIT = r"(?<=[.!?])\s+(?:[\w-]+\.)+[a-z]{2,6}$"

# Caption openings ("Combo photo of ...", "File photo shows ...") and position marks "(L)", "(R)".
CAPTION_OPENING = r"((combo|file|undated|handout)\s+)?(photo|picture|image)\s+(of|shows|taken)\b"
POSITION_MARK = r"\((l|r|c|left|right|centre|center|front|back)\)"

# A metadata line: "Source: Agency| 2021-12-08 11:24:51|Editor: x" or "Section | December 8, 2021 // 11:18| site".
SOURCE_FIELD = r"source\s*:\s*(?P<outlet>[^|]{1,80}?)\s*(\||$)"

# Words of a time stamp line ("Updated 09:06, 16-Dec-2021", "Published on Monday, May 3").
STAMP_WORDS = {"updated", "published", "posted", "modified", "created", "last", "on", "at", "am", "pm",
               "gmt", "utc", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

# Words a title-case line leaves in lower case ("Talks With the Allies End in a Deal").
TITLE_CASE_SMALL_WORDS = {"a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to", "for",
                          "with", "by", "from", "as", "vs", "via", "over", "into", "onto", "per", "amid", "after",
                          "is", "are", "be", "its", "his", "her", "their", "up", "out", "off", "than", "not"}

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


_MONTH = r"(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?"
_CITY = r"[A-Z][A-Za-z.'’-]*(?:[ /-][A-Z][A-Za-z.'’-]*){0,3}"
_UPPER_CITY = r"[A-Z][A-Z.'’-]+(?:[ /-][A-Z][A-Z.'’-]+){0,3}"
_AGENCY_IN_BRACKETS = r"\(\s*[A-Za-z][\w .&'’-]{0,40}\)"  # some agencies write themselves in lower case
_CAPITAL_AGENCY_IN_BRACKETS = r"\(\s*[A-Z][\w .&'’-]{0,40}\)"
_AGENCY_IN_SLASHES = r"/\s*[A-Z][\w .&'’-]{0,40}/\.?"
_DASH = r"\s*(?:--?|[–—])"

# An agency dateline opening a story's first paragraph, up to the first word of the sentence.
# Each form names a date or an agency, so a sentence that merely starts with a capitalised word never matches:
# "CITY, Month D. /AGENCY/.", "CITY, Mon D (Agency) -", "CITY (AGENCY) --", "CITY, Month D --".
DATELINE = (
    rf"^(?:{_CITY},\s+{_DATE}\.?\s*{_AGENCY_IN_SLASHES}"
    rf"|{_CITY},\s+{_DATE}\s*{_AGENCY_IN_BRACKETS}{_DASH}"
    rf"|{_UPPER_CITY}\s*{_CAPITAL_AGENCY_IN_BRACKETS}{_DASH}"
    rf"|{_CITY},\s+{_DATE}{_DASH})(?:\s+|$)"
)

# A bare capitalised place and a dash ("CITY – The talks..."): a dateline only where a story's first
# paragraph starts with it, since an acronym and a dash can open any sentence.
BARE_DATELINE = rf"^{_UPPER_CITY}{_DASH}\s+"

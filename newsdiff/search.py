"""The researcher's text search, as each database does it best.

`matching(rows, q, *fields)` narrows a queryset to the rows where the query `q`
finds at least one of the text `fields` (lookups such as "text" or "a__text";
"text" by default). Everywhere, a text containing `q` as typed (any case) is
found, so a name, a fragment of a word or an exact phrase always works. On
PostgreSQL the query is also read as a web search (`websearch_to_tsquery`,
English stemming): words in any order and any form ("warn Putin" finds "Putin
warned"), a "quoted phrase", `or`, and `-word` to exclude; any input is a valid
query there, it never raises. SQLite has no such search and keeps the substring
match alone.
"""
from __future__ import annotations

from django.db import connections
from django.db.models import Q, QuerySet

# The articles are English news: stems and stop words of English.
SEARCH_CONFIG = "english"


def matching(rows: QuerySet, q: str, *fields: str) -> QuerySet:
    """`rows` narrowed to those whose `fields` `q` finds (see the module); `rows` itself for an empty `q`."""
    if not q:
        return rows
    fields = fields or ("text",)
    found = Q()
    for name in fields:
        found |= Q(**{f"{name}__icontains": q})
    if connections[rows.db].vendor != "postgresql":
        return rows.filter(found)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    words = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    documents = {f"search_document_{n}": SearchVector(name, config=SEARCH_CONFIG) for n, name in enumerate(fields)}
    for alias in documents:
        found |= Q(**{alias: words})
    return rows.alias(**documents).filter(found)

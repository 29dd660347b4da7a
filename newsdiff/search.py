"""The story page's text search over passages, as each database does it best.

`matching(passages, q)` narrows a Passage queryset to the passages a researcher's
query `q` finds. Everywhere, a passage containing `q` as typed (any case) is found,
so a name, a fragment of a word or an exact phrase always works. On PostgreSQL the
query is also read as a web search (`websearch_to_tsquery`, English stemming):
words in any order and any form ("warn Putin" finds "Putin warned"), a "quoted
phrase", `or`, and `-word` to exclude. Any input is a valid query there: it
never raises. SQLite has no such search and keeps the substring match alone.
"""
from __future__ import annotations

from django.db import connections
from django.db.models import Q, QuerySet

# The articles are English news: stems and stop words of English.
SEARCH_CONFIG = "english"


def matching(passages: QuerySet, q: str) -> QuerySet:
    """`passages` narrowed to those `q` finds (see the module); the queryset unchanged for an empty `q`."""
    if not q:
        return passages
    contains = Q(text__icontains=q)
    if connections[passages.db].vendor != "postgresql":
        return passages.filter(contains)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    words = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    return passages.annotate(search_document=SearchVector("text", config=SEARCH_CONFIG)).filter(
        Q(search_document=words) | contains
    )

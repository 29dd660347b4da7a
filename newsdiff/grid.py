"""What the story page and the coverage page read: exchanges, each a list of claim rows.

A *claim* is a group of passages the alignment linked across outlets
(`align.claims`: a hub passage and the passages aligned to it). The story page
shows each exchange as rows of claims: one row per claim, its wordings in the
columns of their voices (or outlets), one representative wording per cell
and the others folded; passages in no claim come last, folded. Coverage
counts the same placement, so the two pages agree.

A claim sits in one exchange: the one most of its passages were grouped into
(ties: the exchange listed first), so a row never splits across exchanges.

Filters: the pairs are `AlignedPair.objects.shown(filters)` (status, minimum
score, and touching a passage the filters keep), so the minimum score and the
status change which claims exist. The passage filters (outlets, voices,
search) decide which claims are shown: those with a passage they keep, with
all their wordings (one outlet picked shows its passages and their
counterparts in the others; a search keeps the rows that match), and the
passages in no claim that they keep. Every read is a fixed number of
queries whatever the story's size.

Size: reading and grouping the whole story is remembered per process until
the story changes (`storycache`); what a request builds is bounded by what
it shows (a page of exchanges, their first claim rows, capped folds; a page
of coverage's articles and its widest claims), and passage texts are read
for that only. The constants below are those bounds.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from array import array
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from . import storycache
from .align.claims import claims
from .filters import Filters
from .models import AlignedPair, Article, Exchange, Passage, Story
from .selectors import Legend, LegendOutlet, LegendVoice, OutletLegend

NOT_GROUPED = "Not grouped yet (run the alignment job)"
EXCHANGES_PER_PAGE = 3  # exchanges in one page of the story page (the first response, and each scrolled-in one)
CLAIMS_SHOWN = 10  # claim rows an exchange shows before "more claims" (each asks for CLAIMS_SHOWN more)
FOLD_LIMIT = 20  # wordings a fold lists; the rest are counted and reached through the drill-down
OUTLET_COLUMNS = 20  # articles as columns when the story page is by outlet (pick outlets for others)
OUTLET_MARKS = 30  # outlet marks a cell shows (the others counted)
COVERAGE_ARTICLES = 20  # articles (columns) in one page of coverage
COVERAGE_CLAIMS = 30  # claims coverage lists, the most widely carried
COVERAGE_BADGES = 10  # outlet badges a listed claim shows for "carried by" and for "not by"


class _Paged:
    """Previous and next page numbers of something with `page` and `n_pages`."""

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.n_pages else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


@dataclass
class Column:
    key: int  # voice id or article id
    name: str
    colour: str = ""
    outlet: LegendOutlet | None = None  # in columns by outlet


@dataclass
class Wording:
    """A passage as a cell shows it."""

    pk: int
    text: str
    kind: str
    article_id: int
    position: int
    outlet: LegendOutlet
    voice: LegendVoice
    links: int = 0  # pairs shown that touch it
    weight: float = 0.0  # their summed score


@dataclass
class Cell:
    column: Column
    wordings: list[Wording]  # the representative (most linked) first; a fold's others only when filled
    fold: str = ""  # the id of its folded wordings (an HTML id, and `open=` asks for it open)
    count: int = 0  # its wordings in all (a fold lists at most FOLD_LIMIT of the others)

    @property
    def first(self) -> Wording | None:
        return self.wordings[0] if self.wordings else None

    @property
    def others(self) -> list[Wording]:
        return self.wordings[1:]

    @property
    def not_listed(self) -> int:
        """Wordings of the cell its filled fold leaves out (the drill-down of the first lists them)."""
        return max(0, self.count - len(self.wordings))

    outlets: list[LegendOutlet] = field(default_factory=list)  # of all its wordings, the representative's first

    @property
    def more_outlets(self) -> int:
        """Outlets of its wordings beyond the OUTLET_MARKS the cell marks."""
        return max(0, len(self.outlets) - OUTLET_MARKS)

    @property
    def marked_outlets(self) -> list[LegendOutlet]:
        return self.outlets[:OUTLET_MARKS]


@dataclass
class ClaimRow:
    key: int  # the claim's smallest passage id: stable across requests, an anchor
    cells: list[Cell]
    n_outlets: int  # outlets that carried it (shown or not)
    n_wordings: int  # its passages shown


@dataclass
class ExchangeBlock:
    exchange: Exchange | None
    title: str
    claims: list[ClaimRow]  # the first `claims_shown` rows
    loose: list[Cell]  # per column, the passages in no claim
    n_passages: int = 0
    n_outlets: int = 0
    n_claims: int = 0  # its claim rows in all
    is_other: bool = False
    expanded: bool = False  # its folds carry their wordings (else they load when opened)
    page: int = 1  # the story page's page it is on

    @property
    def key(self) -> str:
        """The exchange's id in URLs, "none" for passages not grouped yet."""
        return str(self.exchange.pk) if self.exchange else "none"

    @property
    def anchor(self) -> str:
        return f"x{self.key}"

    @property
    def n_loose(self) -> int:
        return sum(c.count for c in self.loose)

    @property
    def more_claims(self) -> int:
        """Claim rows not shown yet."""
        return self.n_claims - len(self.claims)

    @property
    def next_claims(self) -> int:
        """How many rows the "more claims" link asks for."""
        return len(self.claims) + CLAIMS_SHOWN

    @property
    def next_batch(self) -> int:
        """How many rows the "more claims" link adds."""
        return min(self.more_claims, CLAIMS_SHOWN)


@dataclass
class Grid(_Paged):
    columns: list[Column]
    blocks: list[ExchangeBlock]  # this page's exchanges, built
    index: list[ExchangeBlock] = field(default_factory=list)  # every exchange shown, unbuilt (the jump list)
    hidden_blocks: int = 0
    n_passages: int = 0
    n_pairs: int = 0
    n_claims: int = 0
    page: int = 1
    n_pages: int = 1
    hidden_columns: int = 0  # articles left out of the columns by outlet (OUTLET_COLUMNS)


@dataclass(frozen=True, slots=True)
class PassageRow:
    """What the pages place of a live passage (its text is read only for the passages shown)."""

    pk: int
    article_id: int
    position: int
    kind: str
    voice_id: int | None
    exchange_id: int | None


@dataclass
class _StoryRows:
    """A story's live passages and the pairs between them, as the pages read them (2 queries)."""

    passages: dict[int, PassageRow]
    a: np.ndarray  # the pairs' passage ids, scores and status, one entry per pair
    b: np.ndarray
    score: np.ndarray
    status: np.ndarray  # each an index into AlignedPair.Status.values


def _story_rows(story: Story) -> _StoryRows:
    passages = {row[0]: PassageRow(*row) for row in Passage.objects.of_story(story).live()
                .order_by("article_id", "position")
                .values_list("pk", "article_id", "position", "kind", "voice_id", "exchange_id")}
    a, b, score, status = array("q"), array("q"), array("d"), array("b")
    statuses = {name: n for n, name in enumerate(AlignedPair.Status.values)}
    pairs = AlignedPair.objects.filter(story=story).values_list("a_id", "b_id", "score", "status")
    for x, y, s, st in pairs.iterator(chunk_size=5000):  # in chunks: 300,000 pairs never sit as tuples
        if x in passages and y in passages:
            a.append(x)
            b.append(y)
            score.append(s)
            status.append(statuses[st])
    return _StoryRows(passages, np.frombuffer(a, dtype=np.int64), np.frombuffer(b, dtype=np.int64),
                      np.frombuffer(score, dtype=np.float64), np.frombuffer(status, dtype=np.int8))


@dataclass
class _Reading:
    """What both pages read of a story under the filters (remembered per story state and filters)."""

    passages: dict[int, PassageRow]  # every live passage, by id
    kept: set[int]  # those the passage filters keep
    shown: set[int]  # those the pages show: the kept ones and every wording of a claim that has one
    links: Counter  # passage id -> pairs shown that touch it
    weight: Counter  # passage id -> their summed score
    n_pairs: int  # pairs shown between passages shown
    exchanges: list[Exchange]
    claims: list[frozenset[int]]
    exchange_of: dict[int, int | None]  # passage id -> the exchange it is shown in
    state: tuple = ()  # the story's state it was read in (`storycache.story_state`)


def _read(story: Story, filters: Filters, state: tuple | None = None) -> _Reading:
    """The story read under `filters`, remembered per story state (`state` when the caller has it)."""
    state = state or storycache.story_state(story)
    return storycache.remembered(state, ("reading", filters), lambda: _reading(story, filters, state))


def _reading(story: Story, filters: Filters, state: tuple) -> _Reading:
    rows = storycache.remembered(state, "rows", lambda: _story_rows(story))
    passages = rows.passages
    kept = set(Passage.objects.of_story(story).live().matching(filters).values_list("pk", flat=True)) \
        if filters.narrows_passages else set(passages)
    mask = np.isin(rows.status, [AlignedPair.Status.values.index(name) for name in filters.statuses])
    if filters.min_score is not None:
        mask &= rows.score >= filters.min_score
    if filters.narrows_passages:
        kept_ids = np.fromiter(kept, dtype=np.int64, count=len(kept))
        mask &= np.isin(rows.a, kept_ids) | np.isin(rows.b, kept_ids)
    a, b, score = rows.a[mask], rows.b[mask], rows.score[mask]
    links, weight = Counter(), Counter()
    if len(a):
        ids, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
        links.update(dict(zip(ids.tolist(), np.bincount(inverse).tolist())))
        weight.update(dict(zip(ids.tolist(), np.bincount(inverse, weights=np.concatenate([score, score])).tolist())))
    exchanges = list(Exchange.objects.filter(story=story).order_by("is_other", "position", "pk"))
    found = claims(zip(a.tolist(), b.tolist(), score.tolist()))
    shown = set(kept)
    for members in found:
        if not members.isdisjoint(kept):
            shown |= members  # one outlet picked, or a search: its claims with the other outlets' wordings
    n_pairs = sum(1 for x, y in zip(a.tolist(), b.tolist()) if x in shown and y in shown)
    return _Reading(passages, kept, shown, links, weight, n_pairs, exchanges, found, place(passages, found, exchanges),
                    state)


def place(passages: dict, found: list[frozenset[int]], exchanges: list[Exchange]) -> dict[int, int | None]:
    """Each passage's exchange as the pages show it: a claim's passages all go to the exchange most of them
    were grouped into (ties: the first listed); a passage in no claim stays in its own."""
    order = {e.pk: n for n, e in enumerate(exchanges)}
    shown_in = {pk: p.exchange_id for pk, p in passages.items()}
    for members in found:
        votes = Counter(passages[m].exchange_id for m in members)
        home = max(votes, key=lambda e: (votes[e], -order.get(e, len(order))))
        shown_in.update(dict.fromkeys(members, home))
    return shown_in


def _columns(filters: Filters, legend: Legend, outlets: OutletLegend, articles: list[Article]) -> tuple[list[Column], int]:
    """The grid's columns, and how many articles were left out of columns by outlet (OUTLET_COLUMNS)."""
    if filters.by == "outlet":
        chosen = [a for a in articles if not filters.outlets or a.outlet_id in filters.outlets]
        return ([Column(a.pk, a.outlet.name, outlets.of(a.outlet_id).colour, outlets.of(a.outlet_id))
                 for a in chosen[:OUTLET_COLUMNS]], max(0, len(chosen) - OUTLET_COLUMNS))
    return [Column(v.pk, v.name, v.colour) for v in legend if not filters.voices or v.slug in filters.voices], 0


@dataclass
class _RowPlan:
    key: int
    cells: list[list[int]]  # per column, the passage ids shown, the representative first
    n_outlets: int


@dataclass
class _BlockPlan:
    exchange: Exchange | None
    rows: list[_RowPlan]
    loose: list[list[int]]  # per column
    n_passages: int
    n_outlets: int


def _plan(reading: _Reading, by: str, column_keys: tuple[int, ...], outlet_of_article: dict[int, int]) -> tuple:
    """Every exchange's rows and loose passages as passage ids per column, in the order they show, and the
    exchanges the filters empty (remembered: the page builds only what it shows)."""
    column_index = {key: n for n, key in enumerate(column_keys)}
    passages = reading.passages

    def column_of(pk: int) -> int | None:
        p = passages[pk]
        return column_index.get(p.article_id if by == "outlet" else p.voice_id)

    def cells(members) -> list[list[int]]:
        by_column: list[list[int]] = [[] for _ in column_keys]
        for pk in members:
            n = column_of(pk)
            if pk in reading.shown and n is not None:
                by_column[n].append(pk)
        for pks in by_column:
            pks.sort(key=lambda pk: (-reading.links[pk], -reading.weight[pk], passages[pk].article_id,
                                     passages[pk].position))
        return by_column

    rows_in: dict[int | None, list[_RowPlan]] = defaultdict(list)
    in_claim: set[int] = set()
    for members in reading.claims:
        in_claim |= members
        row = _RowPlan(min(members), cells(members),
                       len({outlet_of_article.get(passages[m].article_id) for m in members}))
        if any(row.cells):
            rows_in[reading.exchange_of[row.key]].append(row)
    loose_in: dict[int | None, list[int]] = defaultdict(list)
    for pk in passages:
        if pk not in in_claim:
            loose_in[reading.exchange_of[pk]].append(pk)
    sources: list[Exchange | None] = list(reading.exchanges)
    if rows_in.get(None) or loose_in.get(None):
        sources.append(None)
    plans, hidden = [], 0
    for exchange in sources:
        key = exchange.pk if exchange else None
        rows = sorted(rows_in.get(key, []), key=lambda r: (-r.n_outlets, -sum(map(len, r.cells)), r.key))
        loose = cells(loose_in.get(key, []))
        shown = [pk for r in rows for c in r.cells for pk in c] + [pk for c in loose for pk in c]
        if not shown:
            hidden += 1
            continue
        plans.append(_BlockPlan(exchange, rows, loose, len(shown),
                                len({outlet_of_article.get(passages[pk].article_id) for pk in shown})))
    return plans, hidden


def parallel_grid(story: Story, filters: Filters, legend: Legend, outlets: OutletLegend,
                  articles: list[Article], expanded: frozenset[str] = frozenset(), page: int = 1,
                  claims_shown: dict[str, int] | None = None, only: str | None = None,
                  state: tuple | None = None) -> Grid:
    """One page of exchanges (EXCHANGES_PER_PAGE) as rows of claims by columns of voices (or outlets).

    Each exchange shows its first CLAIMS_SHOWN claim rows (`claims_shown` asks for more in some, by key).
    The folded wordings (a claim's other wordings, the passages in no claim) are in the page only for
    the exchanges whose key is in `expanded` (or all, with "all"), at most FOLD_LIMIT a fold; elsewhere
    they load when opened. A page past the last is the last; `only` builds the one exchange of that key
    instead of a page. The passages' texts are read for what the page shows only (1 query). `state` is
    the story's `storycache.story_state` when the caller has it.
    """
    reading = _read(story, filters, state)
    columns, hidden_columns = _columns(filters, legend, outlets, articles)
    outlet_of_article = {a.pk: a.outlet_id for a in articles}
    column_keys = tuple(c.key for c in columns)
    plans, hidden = storycache.remembered(
        reading.state, ("plan", filters, column_keys), lambda: _plan(reading, filters.by, column_keys, outlet_of_article))
    n_pages = max(1, -(-len(plans) // EXCHANGES_PER_PAGE))
    page = min(max(1, page), n_pages)
    index = [ExchangeBlock(exchange=p.exchange, title=p.exchange.title if p.exchange else NOT_GROUPED,
                           claims=[], loose=[], n_passages=p.n_passages, n_outlets=p.n_outlets, n_claims=len(p.rows),
                           is_other=bool(p.exchange and p.exchange.is_other), page=1 + n // EXCHANGES_PER_PAGE)
             for n, p in enumerate(plans)]
    on_page = range((page - 1) * EXCHANGES_PER_PAGE, min(len(plans), page * EXCHANGES_PER_PAGE))
    if only is not None:
        on_page = [n for n, block in enumerate(index) if block.key == only]
    for n in on_page:
        index[n].expanded = "all" in expanded or index[n].key in expanded
    wanted = claims_shown or {}

    def shown_rows(n: int) -> list[_RowPlan]:
        return plans[n].rows[:max(CLAIMS_SHOWN, wanted.get(index[n].key, 0))]

    listed: set[int] = set()
    for n in on_page:
        listed_per_cell = FOLD_LIMIT + 1 if index[n].expanded else 1
        for row in shown_rows(n):
            for pks in row.cells:
                listed.update(pks[:listed_per_cell])
        if index[n].expanded:
            for pks in plans[n].loose:
                listed.update(pks[:FOLD_LIMIT])
    texts = dict(Passage.objects.filter(pk__in=listed).values_list("pk", "text")) if listed else {}

    def wording(pk: int) -> Wording:
        p = reading.passages[pk]
        return Wording(pk, texts[pk], p.kind, p.article_id, p.position, outlets.of(outlet_of_article.get(p.article_id)),
                       legend.of(p.voice_id), reading.links[pk], reading.weight[pk])

    def cell(column: Column, pks: list[int], fold: str, limit: int) -> Cell:
        marks = {}
        for pk in pks:
            outlet = outlets.of(outlet_of_article.get(reading.passages[pk].article_id))
            marks.setdefault(outlet.pk, outlet)
        return Cell(column, [wording(pk) for pk in pks[:limit]], fold, len(pks), list(marks.values()))

    blocks = []
    for n in on_page:
        block, plan = index[n], plans[n]
        limit = FOLD_LIMIT + 1 if block.expanded else 1
        block.claims = [ClaimRow(row.key, [cell(c, pks, f"c{row.key}-{i}", limit)
                                           for i, (c, pks) in enumerate(zip(columns, row.cells))],
                                 row.n_outlets, sum(map(len, row.cells))) for row in shown_rows(n)]
        block.loose = [cell(c, pks, f"n{block.exchange.pk if block.exchange else 'none'}-{i}",
                            FOLD_LIMIT if block.expanded else 0)
                       for i, (c, pks) in enumerate(zip(columns, plan.loose))]
        blocks.append(block)
    return Grid(columns, blocks, index, hidden, sum(p.n_passages for p in plans), reading.n_pairs,
                sum(len(p.rows) for p in plans), page, n_pages, hidden_columns)


@dataclass
class CoverageCell:
    article: Article
    count: int
    shade: int  # 0..10, a CSS class step
    url: str = ""  # where its passages open (set by the page)


@dataclass
class CoverageRow:
    exchange: Exchange | None
    title: str
    cells: list[CoverageCell]
    total: int = 0  # its passages in every article, not only this page's


@dataclass
class CoveredClaim:
    example: Passage
    carried_by: list[Article]  # at most COVERAGE_BADGES
    missing: list[Article]  # at most COVERAGE_BADGES
    size: int = 0
    n_carried: int = 0  # articles that carried it
    n_missing: int = 0  # articles that did not

    @property
    def more_carried(self) -> int:
        return self.n_carried - len(self.carried_by)

    @property
    def more_missing(self) -> int:
        return self.n_missing - len(self.missing)


@dataclass
class Coverage(_Paged):
    articles: list[Article]  # this page's articles (the columns)
    rows: list[CoverageRow] = field(default_factory=list)
    claims: list[CoveredClaim] = field(default_factory=list)  # the COVERAGE_CLAIMS most widely carried
    n_claims: int = 0
    n_articles: int = 0
    page: int = 1
    n_pages: int = 1


@dataclass
class _CoveragePlan:
    counts: Counter  # (exchange id, article id) -> passages shown
    claims: list[tuple[int, frozenset[int], int]]  # (example passage id, articles carrying it, size), widest first


def _coverage_plan(reading: _Reading) -> _CoveragePlan:
    counts = Counter((reading.exchange_of[pk], p.article_id) for pk, p in reading.passages.items()
                     if pk in reading.shown)
    listed = []
    for members in reading.claims:
        shown = [m for m in members if m in reading.kept]
        if not shown:
            continue
        carried = frozenset(reading.passages[p].article_id for p in members)
        example = max(shown, key=lambda p: (reading.weight[p], -p))
        listed.append((example, carried, len(members)))
    listed.sort(key=lambda c: (-len(c[1]), -c[2], c[0]))
    return _CoveragePlan(counts, listed)


def coverage(story: Story, filters: Filters, articles: list[Article], page: int = 1,
             state: tuple | None = None) -> Coverage:
    """Exchanges by outlets and which outlets carried each claim, counted as the story page shows them:
    the passages the filters keep, each in the exchange the story page shows it in.

    The columns are one page of COVERAGE_ARTICLES articles (`page`; past the last is the last); the
    claims, the COVERAGE_CLAIMS most widely carried, each naming at most COVERAGE_BADGES articles that
    carried it and as many that did not (the others counted). The shades compare cells across all pages.
    `state` is the story's `storycache.story_state` when the caller has it.
    """
    reading = _read(story, filters, state)
    plan = storycache.remembered(reading.state, ("coverage", filters), lambda: _coverage_plan(reading))
    n_pages = max(1, -(-len(articles) // COVERAGE_ARTICLES))
    page = min(max(1, page), n_pages)
    columns = articles[(page - 1) * COVERAGE_ARTICLES:page * COVERAGE_ARTICLES]
    peak = max(plan.counts.values(), default=1)
    totals = Counter()
    for (exchange_id, _), n in plan.counts.items():
        totals[exchange_id] += n
    result = Coverage(columns, n_claims=len(plan.claims), n_articles=len(articles), page=page, n_pages=n_pages)
    sources: list[Exchange | None] = list(reading.exchanges)
    if None in totals:
        sources.append(None)
    for exchange in sources:
        key = exchange.pk if exchange else None
        cells = [CoverageCell(a, plan.counts.get((key, a.pk), 0), round(10 * plan.counts.get((key, a.pk), 0) / peak))
                 for a in columns]
        result.rows.append(CoverageRow(exchange, exchange.title if exchange else NOT_GROUPED, cells, totals[key]))
    top = plan.claims[:COVERAGE_CLAIMS]
    examples = Passage.objects.in_bulk([example for example, _, _ in top]) if top else {}
    by_id = [(a.id, a) for a in articles]
    for example, carried, size in top:
        result.claims.append(CoveredClaim(
            example=examples[example],
            carried_by=list(islice((a for pk, a in by_id if pk in carried), COVERAGE_BADGES)),
            missing=list(islice((a for pk, a in by_id if pk not in carried), COVERAGE_BADGES)),
            size=size, n_carried=len(carried), n_missing=len(articles) - len(carried),
        ))
    return result


def passages_in(story: Story, filters: Filters, exchange_id: int | None,
                article_id: int) -> tuple[Exchange | None, list[Passage]]:
    """The exchange and the passages one coverage cell counts: one article's, in that exchange as the story
    page places them. Raises LookupError for an exchange id the story does not have."""
    reading = _read(story, filters)
    exchange = next((e for e in reading.exchanges if e.pk == exchange_id), None)
    if exchange_id is not None and exchange is None:
        raise LookupError(f"no exchange {exchange_id} in this story")
    pks = [pk for pk, p in reading.passages.items()
           if pk in reading.shown and p.article_id == article_id and reading.exchange_of[pk] == exchange_id]
    return exchange, list(Passage.objects.filter(pk__in=pks).order_by("position")) if pks else []


def shown_passages(story: Story, filters: Filters) -> set[int]:
    """The ids of the passages the story page shows under `filters` (the export of the filtered view)."""
    return _read(story, filters).shown

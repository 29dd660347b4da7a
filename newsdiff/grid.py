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
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .align.claims import claims
from .filters import Filters
from .models import AlignedPair, Article, Exchange, Passage, Story
from .selectors import Legend, LegendOutlet, LegendVoice, OutletLegend

NOT_GROUPED = "Not grouped yet (run the alignment job)"


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
    wordings: list[Wording]  # the representative (most linked) first
    fold: str = ""  # the id of its folded wordings (an HTML id, and `open=` asks for it open)

    @property
    def first(self) -> Wording | None:
        return self.wordings[0] if self.wordings else None

    @property
    def others(self) -> list[Wording]:
        return self.wordings[1:]

    @property
    def outlets(self) -> list[LegendOutlet]:
        """The distinct outlets of the cell's wordings, the representative's first."""
        return list({w.outlet.pk: w.outlet for w in self.wordings}.values())


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
    claims: list[ClaimRow]
    loose: list[Cell]  # per column, the passages in no claim
    n_passages: int = 0
    n_outlets: int = 0
    is_other: bool = False
    expanded: bool = False  # its folds carry their wordings (else they load when opened)

    @property
    def key(self) -> str:
        """The exchange's id in URLs, "none" for passages not grouped yet."""
        return str(self.exchange.pk) if self.exchange else "none"

    @property
    def anchor(self) -> str:
        return f"x{self.key}"

    @property
    def n_loose(self) -> int:
        return sum(len(c.wordings) for c in self.loose)


@dataclass
class Grid:
    columns: list[Column]
    blocks: list[ExchangeBlock]
    hidden_blocks: int = 0
    n_passages: int = 0
    n_pairs: int = 0
    n_claims: int = 0


@dataclass
class _Reading:
    """What both pages read of a story under the filters (3 queries)."""

    passages: dict[int, Passage]  # every live passage, by id
    kept: set[int]  # those the passage filters keep
    shown: set[int]  # those the pages show: the kept ones and every wording of a claim that has one
    pairs: list[tuple[int, int, float]]  # the pairs shown
    exchanges: list[Exchange]
    claims: list[frozenset[int]]
    exchange_of: dict[int, int | None]  # passage id -> the exchange it is shown in


def _read(story: Story, filters: Filters) -> _Reading:
    passages = {p.pk: p for p in Passage.objects.of_story(story).live()
                .only("pk", "article_id", "position", "text", "kind", "voice_id", "exchange_id")
                .order_by("article_id", "position")}
    kept = set(Passage.objects.of_story(story).live().matching(filters).values_list("pk", flat=True)) \
        if filters.narrows_passages else set(passages)
    pairs = [(a, b, s) for a, b, s in AlignedPair.objects.filter(story=story).shown(filters)
             .values_list("a_id", "b_id", "score") if a in passages and b in passages]
    exchanges = list(Exchange.objects.filter(story=story).order_by("is_other", "position", "pk"))
    found = claims(pairs)
    shown = set(kept)
    for members in found:
        if members & kept:
            shown |= members  # one outlet picked, or a search: its claims with the other outlets' wordings
    return _Reading(passages, kept, shown, pairs, exchanges, found, place(passages, found, exchanges))


def place(passages: dict[int, Passage], found: list[frozenset[int]], exchanges: list[Exchange]) -> dict[int, int | None]:
    """Each passage's exchange as the pages show it: a claim's passages all go to the exchange most of them
    were grouped into (ties: the first listed); a passage in no claim stays in its own."""
    order = {e.pk: n for n, e in enumerate(exchanges)}
    shown_in = {pk: p.exchange_id for pk, p in passages.items()}
    for members in found:
        votes = Counter(passages[m].exchange_id for m in members)
        home = max(votes, key=lambda e: (votes[e], -order.get(e, len(order))))
        shown_in.update(dict.fromkeys(members, home))
    return shown_in


def _columns(filters: Filters, legend: Legend, outlets: OutletLegend, articles: list[Article]) -> list[Column]:
    if filters.by == "outlet":
        return [Column(a.pk, a.outlet.name, outlets.of(a.outlet_id).colour, outlets.of(a.outlet_id))
                for a in articles if not filters.outlets or a.outlet_id in filters.outlets]
    return [Column(v.pk, v.name, v.colour) for v in legend if not filters.voices or v.slug in filters.voices]


def parallel_grid(story: Story, filters: Filters, legend: Legend, outlets: OutletLegend,
                  articles: list[Article], expanded: frozenset[str] = frozenset()) -> Grid:
    """Exchanges as rows of claims by columns of voices (or outlets).

    The folded wordings (a claim's other wordings, the passages in no claim) are in the page only for
    the exchanges whose key is in `expanded` (or all, with "all"); elsewhere they load when opened.
    """
    reading = _read(story, filters)
    columns = _columns(filters, legend, outlets, articles)
    column_index = {c.key: n for n, c in enumerate(columns)}
    outlet_of_article = {a.pk: a.outlet_id for a in articles}
    links, weight = Counter(), Counter()
    for a, b, score in reading.pairs:
        for p in (a, b):
            links[p] += 1
            weight[p] += score

    def wording(p: Passage) -> Wording:
        return Wording(p.pk, p.text, p.kind, p.article_id, p.position, outlets.of(outlet_of_article.get(p.article_id)),
                       legend.of(p.voice_id), links[p.pk], weight[p.pk])

    def column_of(p: Passage) -> int | None:
        return column_index.get(p.article_id if filters.by == "outlet" else p.voice_id)

    def cells(members, fold: str) -> list[Cell]:
        by_column: list[list[Wording]] = [[] for _ in columns]
        for pk in members:
            p = reading.passages[pk]
            n = column_of(p)
            if pk in reading.shown and n is not None:
                by_column[n].append(wording(p))
        for ws in by_column:
            ws.sort(key=lambda w: (-w.links, -w.weight, w.article_id, w.position))
        return [Cell(c, ws, f"{fold}-{n}") for n, (c, ws) in enumerate(zip(columns, by_column))]

    claims_in: dict[int | None, list[ClaimRow]] = defaultdict(list)
    in_claim: set[int] = set()
    for members in reading.claims:
        in_claim |= members
        row = ClaimRow(min(members), cells(members, f"c{min(members)}"),
                       n_outlets=len({outlet_of_article.get(reading.passages[m].article_id) for m in members}),
                       n_wordings=0)
        row.n_wordings = sum(len(c.wordings) for c in row.cells)
        if row.n_wordings:
            claims_in[reading.exchange_of[min(members)]].append(row)
    loose_in: dict[int | None, list[int]] = defaultdict(list)
    for pk, p in reading.passages.items():
        if pk not in in_claim:
            loose_in[reading.exchange_of[pk]].append(pk)

    sources: list[Exchange | None] = list(reading.exchanges)
    if claims_in.get(None) or loose_in.get(None):
        sources.append(None)
    blocks, hidden = [], 0
    for exchange in sources:
        key = exchange.pk if exchange else None
        rows = sorted(claims_in.get(key, []), key=lambda r: (-r.n_outlets, -r.n_wordings, r.key))
        loose = cells(loose_in.get(key, []), f"n{key or 'none'}")
        shown = [w for r in rows for c in r.cells for w in c.wordings] + [w for c in loose for w in c.wordings]
        if not shown:
            hidden += 1
            continue
        blocks.append(ExchangeBlock(
            exchange=exchange, title=exchange.title if exchange else NOT_GROUPED, claims=rows, loose=loose,
            n_passages=len(shown), n_outlets=len({w.outlet.pk for w in shown}),
            is_other=bool(exchange and exchange.is_other),
        ))
        blocks[-1].expanded = "all" in expanded or blocks[-1].key in expanded
    n_passages = sum(b.n_passages for b in blocks)
    n_pairs = sum(1 for a, b, _ in reading.pairs if a in reading.shown and b in reading.shown)
    return Grid(columns, blocks, hidden, n_passages, n_pairs, sum(len(b.claims) for b in blocks))


@dataclass
class CoverageCell:
    article: Article
    count: int
    shade: int  # 0..10, a CSS class step


@dataclass
class CoverageRow:
    exchange: Exchange | None
    title: str
    cells: list[CoverageCell]
    total: int = 0


@dataclass
class CoveredClaim:
    example: Passage
    carried_by: list[Article]
    missing: list[Article]
    size: int = 0


@dataclass
class Coverage:
    articles: list[Article]
    rows: list[CoverageRow] = field(default_factory=list)
    claims: list[CoveredClaim] = field(default_factory=list)


def coverage(story: Story, filters: Filters, articles: list[Article]) -> Coverage:
    """Exchanges by outlets and which outlets carried each claim, counted as the story page shows them:
    the passages the filters keep, each in the exchange the story page shows it in."""
    reading = _read(story, filters)
    counts = Counter((reading.exchange_of[pk], p.article_id) for pk, p in reading.passages.items()
                     if pk in reading.shown)
    peak = max(counts.values(), default=1)
    result = Coverage(articles)
    sources: list[Exchange | None] = list(reading.exchanges)
    if any(e is None for e, _ in counts):
        sources.append(None)
    for exchange in sources:
        key = exchange.pk if exchange else None
        cells = [CoverageCell(a, counts.get((key, a.pk), 0), round(10 * counts.get((key, a.pk), 0) / peak))
                 for a in articles]
        result.rows.append(CoverageRow(exchange, exchange.title if exchange else NOT_GROUPED,
                                       cells, sum(c.count for c in cells)))
    links = Counter()
    for a, b, score in reading.pairs:
        links[a] += score
        links[b] += score
    for members in reading.claims:
        shown = [m for m in members if m in reading.kept]
        if not shown:
            continue
        carried = {reading.passages[p].article_id for p in members}
        example = max(shown, key=lambda p: (links[p], -p))
        result.claims.append(CoveredClaim(
            example=reading.passages[example],
            carried_by=[a for a in articles if a.pk in carried],
            missing=[a for a in articles if a.pk not in carried],
            size=len(members),
        ))
    result.claims.sort(key=lambda c: (-len(c.carried_by), -c.size, c.example.pk))
    return result


def passages_in(story: Story, filters: Filters, exchange_id: int | None,
                article_id: int) -> tuple[Exchange | None, list[Passage]]:
    """The exchange and the passages one coverage cell counts: one article's, in that exchange as the story
    page places them. Raises LookupError for an exchange id the story does not have."""
    reading = _read(story, filters)
    exchange = next((e for e in reading.exchanges if e.pk == exchange_id), None)
    if exchange_id is not None and exchange is None:
        raise LookupError(f"no exchange {exchange_id} in this story")
    return exchange, [p for pk, p in reading.passages.items()
                      if pk in reading.shown and p.article_id == article_id and reading.exchange_of[pk] == exchange_id]


def shown_passages(story: Story, filters: Filters) -> set[int]:
    """The ids of the passages the story page shows under `filters` (the export of the filtered view)."""
    return _read(story, filters).shown

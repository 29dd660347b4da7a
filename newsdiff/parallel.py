"""What the researcher's pages read: the parallel grid, the drill-down and the coverage matrix.

Each function runs a fixed number of queries whatever the story's size (the
tests hold them to it) and returns plain objects for the templates; the
grouping itself is pure code (`align.claims`, `text.diff`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .align.claims import claims
from .filters import Filters
from .models import AlignedPair, Article, Exchange, Passage, Story
from .selectors import Legend, LegendVoice
from .text.diff import similarity, word_diff


@dataclass
class Column:
    key: int  # voice id or article id
    name: str
    colour: str = ""


@dataclass
class Shown:
    """A passage as a cell shows it."""

    pk: int
    text: str
    kind: str
    article: Article
    voice: LegendVoice
    links: int = 0


@dataclass
class Cell:
    column: Column
    claims: list[list[Shown]]  # blocks of aligned passages, best-supported first


@dataclass
class Row:
    exchange: Exchange | None
    title: str
    cells: list[Cell]
    n_passages: int = 0
    n_outlets: int = 0
    is_other: bool = False


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]
    hidden_rows: int = 0
    n_passages: int = 0
    n_pairs: int = 0


def _passages(story: Story, filters: Filters):
    return list(Passage.objects.of_story(story).live().matching(filters)
                .only("pk", "article_id", "position", "text", "kind", "voice_id", "exchange_id")
                .order_by("article_id", "position"))


def _pairs(story: Story, filters: Filters) -> list[tuple[int, int, float]]:
    """The pairs the filters keep (`AlignedPair.objects.shown`), as (a, b, score)."""
    return list(AlignedPair.objects.filter(story=story).shown(filters).values_list("a_id", "b_id", "score"))


def parallel_grid(story: Story, filters: Filters, legend: Legend, articles: list[Article]) -> Grid:
    """Rows of exchanges by columns of voices (or outlets); each cell's passages grouped by claim."""
    article_of = {a.pk: a for a in articles}
    if filters.by == "outlet":
        columns = [Column(a.pk, a.outlet.name) for a in articles
                   if not filters.outlets or a.outlet_id in filters.outlets]
    else:
        columns = [Column(v.pk, v.name, v.colour) for v in legend if not filters.voices or v.slug in filters.voices]
    column_index = {c.key: i for i, c in enumerate(columns)}
    passages = _passages(story, filters)
    visible = {p.pk for p in passages}
    pairs = [(a, b, score) for a, b, score in _pairs(story, filters) if a in visible and b in visible]

    links, weight = Counter(), Counter()
    for a, b, score in pairs:
        links[a] += 1
        links[b] += 1
        weight[a] += score
        weight[b] += score
    # A claim: passages joined by the shown pairs; it ranks by how many outlets carry it, then by its scores.
    article_by_passage = {p.pk: p.article_id for p in passages}
    claim_of: dict[int, int] = {}
    support: dict[int, tuple[int, float]] = {}
    for n, members in enumerate(claims(pairs)):
        claim_of.update(dict.fromkeys(members, n))
        support[n] = (-len({article_by_passage[p] for p in members}), -sum(weight[p] for p in members))

    exchanges = list(Exchange.objects.filter(story=story).order_by("is_other", "position", "pk"))
    by_exchange: dict[int | None, list[Passage]] = defaultdict(list)
    for p in passages:
        by_exchange[p.exchange_id].append(p)
    row_sources: list[tuple[Exchange | None, list[Passage]]] = [(e, by_exchange.get(e.pk, [])) for e in exchanges]
    if by_exchange.get(None):
        row_sources.append((None, by_exchange[None]))

    rows, hidden = [], 0
    for exchange, members in row_sources:
        if not members:
            hidden += 1
            continue
        blocks: list[dict[int, list[Shown]]] = [defaultdict(list) for _ in columns]
        for p in members:
            key = p.article_id if filters.by == "outlet" else p.voice_id
            if key not in column_index:
                continue
            shown = Shown(p.pk, p.text, p.kind, article_of[p.article_id], legend.of(p.voice_id), links[p.pk])
            blocks[column_index[key]][claim_of.get(p.pk, -p.pk)].append(shown)
        cells = []
        for column, cell in zip(columns, blocks):
            order = sorted(cell, key=lambda n: (support.get(n, (0, 0)), min(s.article.source for s in cell[n]),
                                                min(s.pk for s in cell[n])))
            cells.append(Cell(column, [sorted(cell[n], key=lambda s: (s.article.source, s.pk)) for n in order]))
        rows.append(Row(
            exchange=exchange,
            title=exchange.title if exchange else "Not grouped yet (run the alignment job)",
            cells=cells,
            n_passages=len(members),
            n_outlets=len({article_of[p.article_id].outlet_id for p in members}),
            is_other=bool(exchange and exchange.is_other),
        ))
    return Grid(columns, rows, hidden, len(passages), len(pairs))


@dataclass
class Counterpart:
    """A passage aligned to the one drilled into, read against it."""

    pair: AlignedPair
    passage: Passage
    voice: LegendVoice
    diff: list
    shared: int  # percent of words the two wordings share


def drilldown(passage: Passage, filters: Filters, legend: Legend) -> list[Counterpart]:
    """Every passage aligned to `passage` by a pair the filters keep (`AlignedPair.objects.shown`),
    best score first (1 query)."""
    query = (
        AlignedPair.objects.touching(passage).shown(filters)
        .select_related("a__article__outlet", "b__article__outlet")
        .order_by("-score", "pk")
    )
    return [read_against(pair, passage, legend) for pair in query]


def read_against(pair: AlignedPair, passage: Passage, legend: Legend) -> Counterpart:
    """The other passage of `pair`, with its word-level diff against `passage`."""
    other = pair.b if pair.a_id == passage.pk else pair.a
    segments = word_diff(passage.text, other.text)
    return Counterpart(pair, other, legend.of(other.voice_id), segments, round(100 * similarity(segments)))


@dataclass
class CoverageRow:
    exchange: Exchange | None
    title: str
    cells: list[dict]  # per article: count and shade
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
    """Exchanges by outlets (passage counts; an empty cell is an omission) and which outlets carried each claim."""
    passages = {p.pk: p for p in Passage.objects.of_story(story).live().filter(kind=Passage.Kind.SENTENCE)
                .only("pk", "article_id", "position", "text", "exchange_id", "voice_id")}
    counts = Counter((p.exchange_id, p.article_id) for p in passages.values())
    exchanges = list(Exchange.objects.filter(story=story).order_by("is_other", "position", "pk"))
    peak = max(counts.values(), default=1)
    result = Coverage(articles)
    row_sources: list[Exchange | None] = list(exchanges) + ([None] if any(e is None for e, _ in counts) else [])
    for exchange in row_sources:
        key = exchange.pk if exchange else None
        cells = [{"article": a, "count": counts.get((key, a.pk), 0),
                  "shade": round(counts.get((key, a.pk), 0) / peak, 2)} for a in articles]
        result.rows.append(CoverageRow(exchange, exchange.title if exchange else "Not grouped yet",
                                       cells, sum(c["count"] for c in cells)))
    pairs = [(a, b, score) for a, b, score in _pairs(story, filters) if a in passages and b in passages]
    links = Counter()
    for a, b, score in pairs:
        links[a] += score
        links[b] += score
    for members in claims(pairs):
        carried = {passages[p].article_id for p in members}
        example = max(members, key=lambda p: (links[p], -p))
        result.claims.append(CoveredClaim(
            example=passages[example],
            carried_by=[a for a in articles if a.pk in carried],
            missing=[a for a in articles if a.pk not in carried],
            size=len(members),
        ))
    result.claims.sort(key=lambda c: (-len(c.carried_by), -c.size, c.example.pk))
    return result

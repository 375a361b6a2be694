"""Provides the near-duplicate search behind `reviewkit dedupe`: blocked, one year at a time, never all pairs.

Titles are read one publication year at a time, in pages (`Documents.titles_of_year`); within a
year only the titles that share a blocking key (`reviewkit.dedupe.blocks`: a rare title token,
prefix filtering; blocks of a word too common to tell titles apart are left out) are scored. Documents sharing a DOI come from one grouped query. So
memory holds one year's titles at most, and the work grows with the pairs that could match, not
with the square of the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from reviewkit import dedupe
from reviewkit.dedupe import AUTO_MERGE_SIMILARITY, REVIEW_SIMILARITY
from reviewkit.store.documents import normalize_title

if TYPE_CHECKING:
    from reviewkit.store import Store

MIN_TITLE = 8
"""Titles shorter than this (normalised) are too generic for a similar-title pair."""
MAX_BLOCK = 1000
"""Blocks of more titles than this (of one year, sharing a very common word) are dropped (see `dedupe.blocks`)."""


@dataclass(frozen=True)
class DuplicatePair:
    """Two documents that may be the same paper."""

    a: int
    b: int
    similarity: float
    year: int | None
    title_a: str
    title_b: str
    reason: str = ""
    """What the duplicate rules say of the pair (`reviewkit.dedupe.decide`): what is alike and what differs."""


@dataclass
class DuplicateSearch:
    """The pairs found and what the search did to find them."""

    pairs: list[DuplicatePair] = field(default_factory=list)
    documents: int = 0
    """Documents whose titles were read."""
    compared: int = 0
    """Title pairs scored (the candidate pairs of the blocks; all pairs would be documents² / 2)."""
    pages: int = 0
    """Pages of titles read (`page_size` rows at most each)."""
    largest_year: int = 0
    """The most titles held in memory at once (one year's)."""
    doi_groups: int = 0
    """DOIs shared by more than one document."""
    dropped_blocks: int = 0
    """Blocks of more than `max_block` titles left out (their titles were compared through their other words)."""


def search_near_duplicates(
    store: Store,
    low: float = REVIEW_SIMILARITY,
    high: float = AUTO_MERGE_SIMILARITY,
    *,
    page_size: int = 5000,
    max_block: int | None = MAX_BLOCK,
) -> DuplicateSearch:
    """Pairs of documents for a person to judge: the same year and similar titles, or the same DOI.

    Identical titles are listed too (records whose volume, issue or pages differ are never merged
    automatically). Pairs a person already marked as distinct are left out. Sorted by similarity,
    highest first.

    Args:
        store: the project.
        low: the lowest title similarity (rapidfuzz ratio on normalised titles, 0-100) listed.
        high: the automatic-merge threshold (pairs above it were merged on import unless a rule
            stopped it; they are listed too, with the reason).
        page_size: titles read per query.
        max_block: the largest block scored (None: all; see `dedupe.blocks`).
    """
    del high  # every pair from `low` up is listed; the reason says why it was not merged
    distinct = store.documents.distinct_pairs()
    out = DuplicateSearch()
    for year in store.documents.year_values():
        docs: list[tuple[int, str]] = []
        for page in store.documents.titles_of_year(year, page_size):
            out.pages += 1
            docs += [(i, t) for i, t in page if len(t) >= MIN_TITLE]
            out.documents += len(page)
        out.largest_year = max(out.largest_year, len(docs))
        if len(docs) < 2:
            continue
        title = dict(docs)
        groups, dropped = dedupe.blocks((dedupe.BlockItem(i, year, t) for i, t in docs), max_block=max_block)
        out.dropped_blocks += dropped
        found: dict[tuple[int, int], float] = {}
        for ids in groups:
            texts = [title[i] for i in ids]
            out.compared += len(ids) * (len(ids) - 1) // 2
            scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=low, workers=1)
            for r, c in zip(*scores.nonzero(), strict=True):
                if r < c:
                    found[(ids[r], ids[c])] = float(scores[r, c])
        for (a, b), sim in sorted(found.items()):
            if (a, b) not in distinct:
                out.pairs.append(DuplicatePair(a, b, round(sim, 1), year, title[a], title[b], "similar titles"))
    listed = {(p.a, p.b) for p in out.pairs}
    for _doi, ids in store.documents.doi_groups():
        out.doi_groups += 1
        info = store.documents.titles(ids)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if (a, b) in listed or (a, b) in distinct:
                    continue
                (ya, ta, ta_alt), (_, tb, tb_alt) = info[a], info[b]
                ta, tb = ta or ta_alt, tb or tb_alt
                sim = dedupe.title_similarity(normalize_title(ta), normalize_title(tb))
                out.pairs.append(DuplicatePair(a, b, round(sim, 1), ya, ta, tb, "same DOI"))
    for n, pair in enumerate(out.pairs):  # say what differs ("same title and year but volume 2 vs 1")
        ra, rb = store.documents.record(pair.a), store.documents.record(pair.b)
        out.pairs[n] = replace(pair, reason=dedupe.decide(rb, ra).reason)
    out.pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    return out


def near_duplicates(
    store: Store, low: float = REVIEW_SIMILARITY, high: float = AUTO_MERGE_SIMILARITY
) -> list[DuplicatePair]:
    """The pairs of `search_near_duplicates`."""
    return search_near_duplicates(store, low, high).pairs

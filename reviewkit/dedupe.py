"""Provides the duplicate rules: whether two records are the same work, how to merge them, and blocking keys.

Pure functions over `reviewkit.records.Record` (no store). `decide` returns, for an incoming
record and a stored one, `Verdict.AUTO_MERGE`, `Verdict.ASK_A_PERSON` or `Verdict.DISTINCT` with
the reason in words. The rules, in order:

1. Both have a DOI and the DOIs differ: different works (a book and its chapter, a guideline and
   its executive summary, an abstract and its full article), never merged.
2. The same DOI: merged, unless the titles are clearly different or volume, issue or pages
   conflict; then a person decides (`reviewkit dedupe` lists the pair).
3. Otherwise the same year and a title at least `AUTO_MERGE_SIMILARITY` % similar (rapidfuzz
   ratio on normalised titles, main or second-language) are merged, with the safeguards: titles
   whose numbers differ ("Part 1" / "Part 2") are different works; one- or two-word titles
   ("Editorial") need the same first author and journal; and records whose volume, issue or pages
   conflict (four volumes of one proceedings series) are never merged automatically.

`candidate_pairs` gives the pairs worth comparing for near-duplicate search without comparing all
pairs: records are blocked by DOI and by (year, rare title token) with prefix filtering.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from reviewkit.records import Record

AUTO_MERGE_SIMILARITY = 95.0
"""Titles of the same year at least this similar (rapidfuzz ratio, 0-100) may be merged on import."""
REVIEW_SIMILARITY = 80.0
"""From this similarity up to the automatic threshold, a pair is for a person to judge."""
DOI_TITLE_SIMILARITY = 60.0
"""Records with the same DOI whose titles are less similar than this are not merged without a person."""
BIBLIO_FIELDS = ("volume", "issue", "pages")
"""Fields that, when both records have them and they differ, stop an automatic merge."""

_NON_WORD = re.compile(r"[^\w\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NUMBERS = re.compile(r"\d+")
_LABEL = re.compile(r"^(?:vol(?:ume)?|no|num(?:ber)?|issue|iss|nr|pp?|pages?|n°|第)\.?\s*", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_PAGE_SPLIT = re.compile(r"[-‐‑‒–—―~～]|\bto\b")
_SKIP_FIELDS = {"raw", "source_format", "source_file", "source_line", "key"}


class Verdict(StrEnum):
    """What to do with a record that may duplicate a stored one."""

    AUTO_MERGE = "auto-merge"
    """The same work: merge on import."""
    ASK_A_PERSON = "ask a person"
    """Perhaps the same work: import it as its own document; `reviewkit dedupe` lists the pair."""
    DISTINCT = "distinct"
    """Different works."""


@dataclass(frozen=True)
class Decision:
    """The verdict on one pair of records, with the reason in words."""

    verdict: Verdict
    reason: str
    similarity: float = 0.0
    """The best title similarity found (0-100; 100 for the same DOI with matching titles)."""


def normalize_title(title: str) -> str:
    """Lower-case, NFKC, punctuation removed, spaces collapsed (the store's `norm_title` key)."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def is_short_title(norm: str) -> bool:
    """One or two words ("Editorial", "Book review"), or under 8 Chinese characters: too generic to match alone."""
    if _CJK.search(norm):
        return len(norm.replace(" ", "")) < 8
    return len(norm.split()) <= 2


def _same(a: str, b: str) -> bool:
    return normalize_title(a) == normalize_title(b)


def _field_key(name: str, value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    if name == "pages":
        text = _PAGE_SPLIT.split(text, maxsplit=1)[0]  # "123-130", "123–30" and "123" all start at 123
    text = _LABEL.sub("", text.strip())
    return _NOT_ALNUM.sub("", text)


def conflicts(a: Record, b: Record) -> list[str]:
    """The bibliographic fields both records fill with different values (``volume 3 vs 4``).

    Volume, issue and pages are compared without labels, punctuation or case ("Vol. 12" = "12");
    pages by their first page ("123-130" = "123-30" = "123"). The DOI is compared as stored.
    """
    out: list[str] = []
    if a.doi and b.doi and a.doi.strip().lower() != b.doi.strip().lower():
        out.append(f"DOI {a.doi} vs {b.doi}")
    for name in BIBLIO_FIELDS:
        va, vb = getattr(a, name), getattr(b, name)
        ka, kb = _field_key(name, va), _field_key(name, vb)
        if ka and kb and ka != kb:
            out.append(f"{name} {va} vs {vb}")
    return out


def _title_pairs(a: Record, b: Record) -> list[tuple[str, str]]:
    mine = [t for t in (normalize_title(a.title), normalize_title(a.title_alt)) if t]
    theirs = [t for t in (normalize_title(b.title), normalize_title(b.title_alt)) if t]
    return [(x, y) for x in mine for y in theirs]


def title_similarity(a: str, b: str) -> float:
    """Similarity (0-100) of two normalised titles, 0 when their numbers differ ("Part 1" / "Part 2")."""
    if a == b:
        return 100.0
    if _NUMBERS.findall(a) != _NUMBERS.findall(b):
        return 0.0
    return float(fuzz.ratio(a, b))


def could_match(norm: str, other_norm: str, threshold: float = AUTO_MERGE_SIMILARITY) -> bool:
    """A cheap first check on two normalised titles: could `decide` merge them? (Short titles: only if equal.)"""
    if is_short_title(norm) or is_short_title(other_norm):
        return norm == other_norm
    return title_similarity(norm, other_norm) >= threshold


def _best_title(a: Record, b: Record) -> tuple[float, str]:
    """(similarity, reason) of the best-matching pair of titles; short titles need author and journal."""
    best: tuple[float, str] = (0.0, "different titles")
    for x, y in _title_pairs(a, b):
        if is_short_title(x) or is_short_title(y):
            if x != y:
                continue
            same_author = _same(" ".join(a.authors[:1]), " ".join(b.authors[:1]))
            if not (same_author and _same(a.journal, b.journal)):
                best = max(best, (0.0, "same short title but another first author or journal"))
                continue
            return 100.0, "same short title, year, first author and journal"
        sim = title_similarity(x, y)
        if sim > best[0]:
            best = (sim, "same title and year" if sim == 100.0 else f"similar title ({sim:.0f}%)")
        elif sim == 0.0 and best[0] == 0.0 and x != y and fuzz.ratio(x, y) >= REVIEW_SIMILARITY:
            best = (0.0, "titles differ in a number")
    return best


def decide(
    incoming: Record,
    stored: Record,
    *,
    threshold: float = AUTO_MERGE_SIMILARITY,
    review: float = REVIEW_SIMILARITY,
) -> Decision:
    """Whether `incoming` is the same work as `stored` (see the module docstring for the rules).

    Args:
        incoming: the record being imported.
        stored: a stored record found by DOI or by title.
        threshold: the lowest title similarity (0-100) for an automatic merge.
        review: the lowest title similarity for a person to look at the pair.

    Returns:
        The verdict, its reason and the title similarity.
    """
    clash = conflicts(incoming, stored)
    if incoming.doi and stored.doi:
        if any(c.startswith("DOI ") for c in clash):
            return Decision(Verdict.DISTINCT, f"different DOIs ({incoming.doi} vs {stored.doi})")
        pairs = _title_pairs(incoming, stored)
        sim = max((float(fuzz.ratio(x, y)) for x, y in pairs), default=100.0)
        if sim < DOI_TITLE_SIMILARITY:
            return Decision(Verdict.ASK_A_PERSON, f"same DOI but different titles ({sim:.0f}%)", sim)
        if clash:
            return Decision(Verdict.ASK_A_PERSON, "same DOI but " + "; ".join(clash), sim)
        return Decision(Verdict.AUTO_MERGE, "same DOI", 100.0)
    if incoming.year != stored.year:
        return Decision(Verdict.DISTINCT, "different years")
    sim, reason = _best_title(incoming, stored)
    if sim < review:
        return Decision(Verdict.DISTINCT, reason, sim)
    if sim < threshold:
        return Decision(Verdict.ASK_A_PERSON, reason, sim)
    if clash:
        return Decision(Verdict.ASK_A_PERSON, f"{reason} but " + "; ".join(clash), sim)
    return Decision(Verdict.AUTO_MERGE, reason, sim)


def richness(rec: Record) -> int:
    """How much a record holds: filled fields first, then the length of its abstracts."""
    score = sum(1 for f in fields(Record) if f.name not in _SKIP_FIELDS and getattr(rec, f.name))
    return score * 10_000 + len(rec.abstract) + len(rec.abstract_alt)


def merge_records(old: Record, new: Record) -> Record:
    """The richer record wins; its empty fields are filled from the other; keywords are united."""
    rich, poor = (new, old) if richness(new) > richness(old) else (old, new)
    values: dict[str, Any] = {}
    for f in fields(Record):
        if f.name in {"raw", "source_line"}:
            continue
        mine, theirs = getattr(rich, f.name), getattr(poor, f.name)
        values[f.name] = mine if mine else theirs
    values["keywords"] = tuple(dict.fromkeys([*rich.keywords, *poor.keywords]))
    return replace(rich, **values)


def title_tokens(norm: str) -> set[str]:
    """The tokens of a normalised title used for blocking: words of 3+ characters, Chinese character bigrams."""
    out = {w for w in _CJK_RUN.sub(" ", norm).split() if len(w) >= 3}
    for run in _CJK_RUN.findall(norm):
        out.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


@dataclass(frozen=True)
class BlockItem:
    """What blocking needs of a document."""

    id: int
    year: int | None
    title: str
    """The title (normalised or not; it is normalised again)."""
    doi: str = ""


def blocking_keys(items: Iterable[BlockItem], *, jaccard: float = 0.5) -> dict[int, set[tuple[Any, ...]]]:
    """The blocks each document falls in, so that near-duplicate search compares only within blocks.

    Keys are ``("doi", doi)`` and ``("t", year, token)`` for the rarest tokens of the title (prefix
    filtering: with one global order of tokens by rarity, two titles whose token sets have a
    Jaccard similarity of at least `jaccard` share at least one of their first
    ``n - ceil(jaccard * n) + 1`` tokens). A title without tokens gets ``("title", year, norm)``.

    Args:
        items: the documents.
        jaccard: the lowest token-set similarity that must still share a block.

    Returns:
        Document id -> its block keys.
    """
    docs = [(item, title_tokens(normalize_title(item.title))) for item in items]
    df: Counter[str] = Counter(tok for _, toks in docs for tok in toks)
    out: dict[int, set[tuple[Any, ...]]] = {}
    for item, toks in docs:
        keys: set[tuple[Any, ...]] = set()
        if item.doi:
            keys.add(("doi", item.doi.strip().lower()))
        if toks:
            order = sorted(toks, key=lambda t: (df[t], t))
            keep = len(order) - math.ceil(jaccard * len(order)) + 1
            keys.update(("t", item.year, tok) for tok in order[:keep])
        elif normalize_title(item.title):
            keys.add(("title", item.year, normalize_title(item.title)))
        out[item.id] = keys
    return out


def blocks(
    items: Iterable[BlockItem], *, jaccard: float = 0.5, max_block: int | None = None
) -> tuple[list[list[int]], int]:
    """The blocks of `blocking_keys` as lists of ids (only blocks of two or more), sorted ids each.

    Args:
        items: the documents.
        jaccard: see `blocking_keys`.
        max_block: drop blocks with more members than this (a title token so common that it says
            little): the work then grows linearly with the corpus. Their members keep their other
            blocks and get one more, of their exact normalised title and year.

    Returns:
        (blocks, how many blocks were dropped for their size).
    """
    items = list(items)
    members: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for doc_id, keys in blocking_keys(items, jaccard=jaccard).items():
        for key in keys:
            members[key].append(doc_id)
    dropped = 0
    if max_block is not None:
        big = [key for key, ids in members.items() if len(ids) > max_block]
        dropped = len(big)
        if big:
            lost = {i for key in big for i in members.pop(key)}
            for item in items:
                if item.id in lost:
                    members[("title", item.year, normalize_title(item.title))].append(item.id)
    return [sorted(ids) for ids in members.values() if len(ids) > 1], dropped


def candidate_pairs(items: Iterable[BlockItem], *, jaccard: float = 0.5) -> set[tuple[int, int]]:
    """The pairs (a < b) sharing a block: the only pairs near-duplicate search needs to score.

    Args:
        items: the documents.
        jaccard: see `blocking_keys`.

    Returns:
        Pairs of document ids, each once, smaller id first.
    """
    blocks: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for doc_id, keys in blocking_keys(items, jaccard=jaccard).items():
        for key in keys:
            blocks[key].append(doc_id)
    pairs: set[tuple[int, int]] = set()
    for ids in blocks.values():
        ids.sort()
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return pairs


class KeyFilter:
    """A Bloom filter of hashable keys: `in` may wrongly say yes (rarely), never wrongly no.

    Imports use it to skip the duplicate and key queries of the (many) records whose DOI, title
    prefix and key no stored document has, in a few bytes per key instead of a set of strings.
    Python's `hash` is only stable within one process: a filter is never stored.

    Each key sets four bits (double hashing from the two halves of its hash): with 32 bits per key,
    about 0.015 % of absent keys are wrongly reported (with two bits it was 0.4 %, and every false
    report costs the import a database look-up, about a thousand times the price of a probe).

    Args:
        expected: about how many keys will be added (more only raises the false-positive rate).
        bits_per_key: filter bits per expected key.
    """

    def __init__(self, expected: int, bits_per_key: int = 32) -> None:
        self._m = max(4096, expected * bits_per_key)
        self._bits = bytearray((self._m + 7) // 8)

    def add(self, key: object) -> None:
        """Remember `key`."""
        h, m, bits = hash(key), self._m, self._bits
        a, b = (h & 0xFFFFFFFF) % m, ((h >> 32) & 0xFFFFFFFF) % m | 1
        bits[a >> 3] |= 1 << (a & 7)
        a = (a + b) % m
        bits[a >> 3] |= 1 << (a & 7)
        a = (a + b) % m
        bits[a >> 3] |= 1 << (a & 7)
        a = (a + b) % m
        bits[a >> 3] |= 1 << (a & 7)

    def __contains__(self, key: object) -> bool:
        h, m, bits = hash(key), self._m, self._bits
        a = (h & 0xFFFFFFFF) % m
        return bool(bits[a >> 3] & (1 << (a & 7))) and _probe(bits, m, h)  # (most absent keys fail the first bit)

    def any_in(self, keys: Iterable[object]) -> bool:
        """True when any of `keys` may be in the filter (``any(k in f for k in keys)``, without a call per key)."""
        bits, m = self._bits, self._m
        for key in keys:
            h = hash(key)
            a = (h & 0xFFFFFFFF) % m
            if bits[a >> 3] & (1 << (a & 7)) and _probe(bits, m, h):
                return True
        return False


def _probe(bits: bytearray, m: int, h: int) -> bool:
    """Whether all four bits of hash `h` are set (`KeyFilter`); most absent keys fail at the first."""
    a, b = (h & 0xFFFFFFFF) % m, ((h >> 32) & 0xFFFFFFFF) % m | 1
    if not bits[a >> 3] & (1 << (a & 7)):
        return False
    a = (a + b) % m
    if not bits[a >> 3] & (1 << (a & 7)):
        return False
    a = (a + b) % m
    if not bits[a >> 3] & (1 << (a & 7)):
        return False
    a = (a + b) % m
    return bool(bits[a >> 3] & (1 << (a & 7)))


__all__ = [
    "AUTO_MERGE_SIMILARITY",
    "DOI_TITLE_SIMILARITY",
    "REVIEW_SIMILARITY",
    "BlockItem",
    "Decision",
    "KeyFilter",
    "Verdict",
    "blocking_keys",
    "blocks",
    "candidate_pairs",
    "conflicts",
    "could_match",
    "decide",
    "is_short_title",
    "merge_records",
    "normalize_title",
    "richness",
    "title_similarity",
    "title_tokens",
]

"""Provides the duplicate rules of an import against the project: `find_duplicate`, `merge_records`, `keep_coded_text`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reviewkit import dedupe
from reviewkit.dedupe import AUTO_MERGE_SIMILARITY
from reviewkit.project.import_keys import PREFIX
from reviewkit.records import Record
from reviewkit.store.text import normalize_title

if TYPE_CHECKING:
    from reviewkit.store import Store

_FIELD_NAMES = {"title": "title", "abstract": "abstract", "title_alt": "second-language title",
                "abstract_alt": "second-language abstract"}  # fmt: skip


def keep_coded_text(store: Store, doc_id: int, old: Record, merged: Record, source: str) -> tuple[Record, list[str]]:
    """`merged` with the coded text of document `doc_id` kept; a different new text is stored as a version.

    Codings point at character offsets of a field's text: replacing a coded title or abstract would
    move them onto other words. Other fields (DOI, journal, keywords ...) are still enriched.

    Returns:
        (the record to write, one report line per field kept).
    """
    notes: list[str] = []
    for name in sorted(store.codings.coded_fields(doc_id) & set(_FIELD_NAMES)):
        coded, new = getattr(old, name), getattr(merged, name)
        if new == coded:
            continue
        if new:
            version = store.versions.add(doc_id, name, new, source)
            notes.append(
                f"kept the coded text of document {doc_id}; the new {_FIELD_NAMES[name]} is stored as version {version}"
            )
        merged = replace(merged, **{name: coded})
    return merged, notes


def merge_records(old: Record, new: Record) -> Record:
    """The richer record wins; its empty fields are filled from the other (see `reviewkit.dedupe.merge_records`)."""
    return dedupe.merge_records(old, new)


def find_duplicate(store: Store, rec: Record, threshold: float = AUTO_MERGE_SIMILARITY) -> tuple[int, str, float] | None:
    """The existing document `rec` duplicates, as (id, reason, similarity), or None.

    The rules are `reviewkit.dedupe.decide`; only an automatic merge is returned. A record that a
    person must judge (conflicting volume, issue or pages; the same DOI with another title) is
    imported as its own document, and `reviewkit dedupe` lists the pair.
    """
    doi_id = store.documents.find_by_doi(rec.doi)
    if doi_id is not None:
        decision = dedupe.decide(rec, store.documents.record(doi_id), threshold=threshold)
        if decision.verdict is dedupe.Verdict.AUTO_MERGE:
            return doi_id, decision.reason, decision.similarity
    best: tuple[int, str, float] | None = None
    for title in (rec.title, rec.title_alt):
        norm = normalize_title(title)
        if not norm:
            continue
        if dedupe.is_short_title(norm):
            short = _same_short_title(store, rec, norm)
            if short is not None:
                return short, "same short title, year, first author and journal", 100.0
            continue
        for cand_id, cand_norm in store.documents.title_candidates(rec.year, norm, prefix_len=PREFIX):
            if cand_id == doi_id or not dedupe.could_match(norm, cand_norm, threshold):
                continue  # "Part 1" vs "Part 2", "Study 3" vs "Study 13": different papers
            decision = dedupe.decide(rec, store.documents.record(cand_id), threshold=threshold)
            if decision.verdict is dedupe.Verdict.AUTO_MERGE and (best is None or decision.similarity > best[2]):
                best = (cand_id, decision.reason, decision.similarity)
    return best


def _same_short_title(store: Store, rec: Record, norm: str) -> int | None:
    """A short title ("Editorial", "Clusters") matches only with the same year, first author and journal."""
    for cand_id, cand_norm in store.documents.title_candidates(rec.year, norm, prefix_len=len(norm)):
        if cand_norm != norm:
            continue
        if dedupe.decide(rec, store.documents.record(cand_id)).verdict is dedupe.Verdict.AUTO_MERGE:
            return cand_id
    return None

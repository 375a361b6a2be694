"""Provides the corpus use cases: import files with deduplication, near-duplicate review, search, stats."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit import dedupe
from reviewkit.dedupe import AUTO_MERGE_SIMILARITY, REVIEW_SIMILARITY
from reviewkit.errors import ImportFormatError, NotFoundError, ReviewkitError
from reviewkit.records import Document, DocumentSource, Record, SkippedRecord
from reviewkit.store.documents import normalize_title

if TYPE_CHECKING:
    from reviewkit.store import Store

BIG_IMPORT = 1000
"""From this many records in a file, the import loads every document key once instead of querying per record."""

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """What importing one file did."""

    path: str
    format: str
    encoding: str
    records: int = 0
    added: int = 0
    merged: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    merges: list[tuple[int, str]] = field(default_factory=list)
    """(document id, reason) for each record merged into an existing document."""
    kept: list[str] = field(default_factory=list)
    """One line per coded text kept when a duplicate brought another one (stored as a version)."""


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


def _richness(rec: Record) -> int:
    return dedupe.richness(rec)


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


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("", text.lower())


def make_key(rec: Record) -> str:
    """A stable, readable document key: the DOI, else author-year-word (like a BibTeX key)."""
    if rec.doi:
        return rec.doi
    authors = rec.authors if rec.authors and _slug(rec.authors[0]) else rec.authors_alt
    family = _slug(re.split(r"[,\s]", authors[0].strip())[0]) if authors else ""
    title = rec.title if _slug(rec.title) else rec.title_alt
    word = next((slug for slug in map(_slug, title.split()) if len(slug) > 3), "")
    base = f"{family}{rec.year or ''}{word}"
    if len(base) < 6:
        digest = hashlib.sha1(f"{rec.title}|{rec.title_alt}|{rec.year}|{rec.authors}".encode()).hexdigest()
        base = f"doc-{digest[:10]}"
    return base


def _unique_key(store: Store, rec: Record, taken: dict[str, set[str]], every: set[str] | None = None) -> str:
    """`make_key`, with a suffix (a, b, ... or -1, -2 for DOIs) when the key is already used.

    `every` (all keys of the project, for big imports) replaces one index query per record.
    """
    base = make_key(rec)
    if every is not None:
        used = every
    else:
        found = taken.get(base)
        used = taken[base] = store.documents.keys_starting_with(base) if found is None else found
    key, n = base, 0
    while key in used:
        n += 1
        key = f"{base}-{n}" if rec.doi else f"{base}{_suffix(n)}"
    used.add(key)
    return key


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa ... (BibTeX style)."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


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
        if _is_short(norm):
            short = _same_short_title(store, rec, norm)
            if short is not None:
                return short, "same short title, year, first author and journal", 100.0
            continue
        for cand_id, cand_norm in store.documents.title_candidates(rec.year, norm):
            if cand_id == doi_id or not dedupe.could_match(norm, cand_norm, threshold):
                continue  # "Part 1" vs "Part 2", "Study 3" vs "Study 13": different papers
            decision = dedupe.decide(rec, store.documents.record(cand_id), threshold=threshold)
            if decision.verdict is dedupe.Verdict.AUTO_MERGE and (best is None or decision.similarity > best[2]):
                best = (cand_id, decision.reason, decision.similarity)
    return best


def _is_short(norm: str) -> bool:
    """One or two words ("Editorial", "Book review"), or under 8 Chinese characters: too generic to match alone."""
    return dedupe.is_short_title(norm)


def _same_short_title(store: Store, rec: Record, norm: str) -> int | None:
    """A short title ("Editorial", "Clusters") matches only with the same year, first author and journal."""
    for cand_id, cand_norm in store.documents.title_candidates(rec.year, norm, prefix_len=len(norm)):
        if cand_norm != norm:
            continue
        if dedupe.decide(rec, store.documents.record(cand_id)).verdict is dedupe.Verdict.AUTO_MERGE:
            return cand_id
    return None


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """Files to import: folders are expanded to the export files inside them.

    Returns:
        (files, notes): the files in order, and a note for each file of a folder that was left out
        because it is not a recognisable export (a README, an image ...).

    Raises:
        ImportFormatError: a path given by name does not exist.
    """
    from reviewkit.importers import detect_format

    files: list[Path] = []
    notes: list[str] = []
    for path in paths:
        p = Path(path)
        if not p.exists():
            raise ImportFormatError(str(p), None, "no such file")
        if not p.is_dir():
            files.append(p)
            continue
        for child in sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith(".")):
            try:
                detect_format(child)
            except ImportFormatError as exc:
                notes.append(f"{child}: left out ({exc.reason.split(';')[0]})")
                continue
            files.append(child)
    return files, notes


def read_files(
    paths: Sequence[str | Path], fmt: str | None = None, *, skip_bad: bool = False, encoding: str | None = None
) -> list[Any]:
    """Read every file before anything is written, so a bad file aborts the whole command cleanly."""
    from reviewkit.importers import read_records

    return [read_records(p, fmt, skip_bad=skip_bad, encoding=encoding) for p in paths]


def import_files(
    store: Store,
    paths: Sequence[str | Path],
    fmt: str | None = None,
    *,
    skip_bad: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> list[ImportReport]:
    """Import bibliographic files into the project, merging duplicates.

    Every file is read and checked first; then each file is written in one transaction, so an
    error, Ctrl-C or a kill never leaves a half-imported file behind.

    Args:
        store: the open project.
        paths: export files (RIS, BibTeX, WoS, PubMed, CSV/TSV, JSONL, EndNote, RefWorks, NoteExpress,
            citation text), or folders of them (see `expand_paths`).
        fmt: force a format (else detected from the content).
        skip_bad: skip malformed records (reported with their line) instead of failing the file.
        encoding: force an encoding (else detected).
        progress: called as progress(done, total, path) after each record.

    Raises:
        ImportFormatError: a file cannot be read (nothing is written then).
    """
    files, _ = expand_paths(paths)
    results = read_files(files, fmt, skip_bad=skip_bad, encoding=encoding)
    total = sum(len(r.records) for r in results)
    done = 0
    reports = []
    for res in results:
        report = ImportReport(path=str(res.path), format=res.format, encoding=res.encoding, skipped=list(res.skipped))
        sha = hashlib.sha256(Path(res.path).read_bytes()).hexdigest()
        taken: dict[str, set[str]] = {}
        every = store.documents.all_keys() if len(res.records) >= BIG_IMPORT else None
        with store.transaction():
            import_id = store.imports.start(str(res.path), res.format, sha)
            writer = store.documents.writer(import_id)
            for rec in res.records:
                report.records += 1
                dup = find_duplicate(store, rec)
                if dup is None:
                    doc_id = writer.add(rec, _unique_key(store, rec, taken, every))
                    writer.add_source(doc_id, rec, duplicate=False)
                    report.added += 1
                else:
                    doc_id, reason, sim = dup
                    old = store.documents.record(doc_id)
                    merged, kept = keep_coded_text(store, doc_id, old, merge_records(old, rec), f"import of {res.path}")
                    report.kept += kept
                    writer.update(doc_id, merged)
                    writer.add_source(doc_id, rec, duplicate=True, reason=reason, similarity=sim)
                    report.merged += 1
                    report.merges.append((doc_id, reason))
                done += 1
                if progress is not None and (done % 500 == 0 or done == total):
                    progress(done, total, str(res.path))
            writer.flush()
            store.imports.finish(
                import_id,
                records=report.records + len(report.skipped),
                added=report.added,
                merged=report.merged,
                skipped=[str(s) for s in report.skipped],
            )
        reports.append(report)
    return reports


def near_duplicates(
    store: Store, low: float = REVIEW_SIMILARITY, high: float = AUTO_MERGE_SIMILARITY
) -> list[DuplicatePair]:
    """Pairs of documents for a person to judge: the same year and similar titles, or the same DOI.

    Identical titles are listed too (records whose volume, issue or pages differ are never merged
    automatically). Pairs a person already marked as distinct are left out. Sorted by similarity,
    highest first.
    """
    from rapidfuzz import fuzz, process

    distinct = store.documents.distinct_pairs()
    pairs: list[DuplicatePair] = []
    for year, docs in store.documents.titles_by_year().items():
        docs = [(i, t) for i, t in docs if len(t) >= 8]
        if len(docs) < 2:
            continue
        titles = [t for _, t in docs]
        matrix = process.cdist(titles, titles, scorer=fuzz.ratio, score_cutoff=low, workers=-1)
        rows, cols = matrix.nonzero()
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if j <= i:
                continue
            sim = float(matrix[i, j])
            a, b = docs[i][0], docs[j][0]
            if (min(a, b), max(a, b)) in distinct:
                continue
            pairs.append(DuplicatePair(a, b, round(sim, 1), year, titles[i], titles[j], "similar titles"))
    listed = {(p.a, p.b) for p in pairs}
    with_doi = {d.id: d for d in store.documents.iter() if d.doi}
    items = [dedupe.BlockItem(i, d.year, "", d.doi) for i, d in with_doi.items()]
    for a, b in sorted(dedupe.candidate_pairs(items)):  # here: only documents sharing a DOI
        if (a, b) in listed or (a, b) in distinct:
            continue
        ta, tb = with_doi[a].title or with_doi[a].title_alt, with_doi[b].title or with_doi[b].title_alt
        sim = dedupe.title_similarity(normalize_title(ta), normalize_title(tb))
        pairs.append(DuplicatePair(a, b, round(sim, 1), with_doi[a].year, ta, tb, "same DOI"))
    records: dict[int, Record] = {}
    for i, pair in enumerate(pairs):  # say what differs ("same title and year but volume 2 vs 1")
        ra, rb = (records.setdefault(x, store.documents.record(x)) for x in (pair.a, pair.b))
        pairs[i] = replace(pair, reason=dedupe.decide(rb, ra).reason)
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))


def merge_documents(store: Store, keep: int, drop: int) -> list[str]:
    """Merge document `drop` into `keep` (a person's decision from `reviewkit dedupe`).

    The coded title/abstract of `keep` stay; `drop`'s different text is stored as a version.

    Returns:
        One line per coded text kept (see `keep_coded_text`).

    Raises:
        NotFoundError: either document does not exist.
        ReviewkitError: `drop` already has reviewer decisions (merge the other way round).
    """
    for ident in (keep, drop):
        if store.documents.get(ident) is None:
            raise NotFoundError(f"No document with id {ident}; see `reviewkit docs list`.")
    if keep == drop:
        raise ReviewkitError("Cannot merge a document with itself.")
    if store.codings.exist_for_document(drop):
        raise ReviewkitError(
            f"Document {drop} already has reviewer decisions; merge the other way round "
            f"(`reviewkit dedupe --merge {drop} {keep}`)."
        )
    with store.transaction():
        old = store.documents.record(keep)
        merged, notes = keep_coded_text(
            store, keep, old, merge_records(old, store.documents.record(drop)), f"merge of document {drop}"
        )
        store.documents.update(keep, merged)
        store.documents.move_sources(drop, keep)
        store.versions.move(drop, keep)
        store.documents.delete(drop)
    return notes


def keep_distinct(store: Store, a: int, b: int, coder: str = "") -> None:
    """Record that documents a and b are different papers."""
    for ident in (a, b):
        if store.documents.get(ident) is None:
            raise NotFoundError(f"No document with id {ident}; see `reviewkit docs list`.")
    with store.transaction():
        store.documents.mark_distinct(a, b, coder)


@dataclass(frozen=True)
class DocumentDetail:
    """A document with every imported record it came from."""

    document: Document
    sources: list[DocumentSource]


def get_document(store: Store, ident: str | int) -> DocumentDetail:
    """A document with its sources, by id or key.

    Raises:
        NotFoundError: no such document.
    """
    doc = store.documents.get(ident)
    if doc is None:
        raise NotFoundError(f"No document {ident!r} (give an id or key from `reviewkit docs list`).")
    return DocumentDetail(doc, store.documents.sources(doc.id))

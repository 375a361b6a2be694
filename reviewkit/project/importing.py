"""Provides the import use case: read export files (streamed when big) and write them with duplicate detection.

Each file is written in one transaction (all files in one when a big file is streamed, since a
bad record may then show up after records were written): an error, Ctrl-C or a kill never
leaves half a file behind. Duplicate detection asks the project only for records that may have
a stored twin: a Bloom filter of the stored DOIs, title prefixes and keys (`dedupe.KeyFilter`),
built once per big import, answers for the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit import dedupe
from reviewkit.dedupe import AUTO_MERGE_SIMILARITY
from reviewkit.errors import ImportFormatError
from reviewkit.importers.databases import detect_database
from reviewkit.records import Record, SkippedRecord
from reviewkit.store.documents import normalize_title

if TYPE_CHECKING:
    from reviewkit.importers.stream import RecordStream
    from reviewkit.store import Store
    from reviewkit.store.writer import DocumentWriter

BIG_IMPORT = 1000
"""From this many records in a file, the import filters duplicate and key look-ups through `dedupe.KeyFilter`."""
PREFIX = 12
"""Characters of the normalised title that the stored-title look-up shares (`Documents.title_candidates`)."""

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
    lookups: int = 0
    """Records whose duplicates and key were looked up in the project (the others passed the filter)."""


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


_NAME_END = re.compile(r"[,\s]")


def make_key(rec: Record) -> str:
    """A stable, readable document key: the DOI, else author-year-word (like a BibTeX key)."""
    if rec.doi:
        return rec.doi
    authors = rec.authors if rec.authors and _slug(rec.authors[0]) else rec.authors_alt
    family = _slug(_NAME_END.split(authors[0].strip(), maxsplit=1)[0]) if authors else ""
    title = rec.title if _slug(rec.title) else rec.title_alt
    word = ""
    for w in title.lower().split():
        slug = w if w.isascii() and w.isalnum() else _slug(w)  # (the common case without a regex)
        if len(slug) > 3:
            word = slug
            break
    base = f"{family}{rec.year or ''}{word}"
    if len(base) < 6:
        digest = hashlib.sha1(f"{rec.title}|{rec.title_alt}|{rec.year}|{rec.authors}".encode()).hexdigest()
        base = f"doc-{digest[:10]}"
    return base


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


_NUMBERS = re.compile(r"\d+")
_STEP = math.log(1 / 0.9)
"""Title lengths within 10 % share or neighbour a length class (see `_title_key`)."""


def _title_key(year: int | None, norm: str) -> tuple[tuple[Any, ...], int]:
    """(filter key, length class) of a normalised title: what any title `find_duplicate` merges with shares.

    `find_duplicate` merges by title only titles of the same year whose first `PREFIX` characters
    are equal (`Documents.title_candidates`) and that `dedupe.could_match`: equal, or the same
    numbers and a rapidfuzz ratio of at least 95, which needs lengths within about 10 % of each other,
    hence of the same or a neighbouring length class.
    """
    length_class = int(math.log(len(norm)) / _STEP)
    return (year, norm[:PREFIX], tuple(_NUMBERS.findall(norm)), length_class), length_class


def _title_keys(year: int | None, norm: str) -> tuple[tuple[Any, ...], ...]:
    """The filter keys a stored title that `find_duplicate` could merge with `norm` has (one per length class)."""
    (y, prefix, numbers, _), c = _title_key(year, norm)
    return tuple((y, prefix, numbers, k) for k in (c - 1, c, c + 1))


class _Probe:
    """The title keys of one incoming record, worked out once."""

    __slots__ = ("keys", "norm", "own", "short")

    def __init__(self, rec: Record) -> None:
        self.norm = norm = normalize_title(rec.title)
        self.short = False
        """A title shorter than the prefix: always looked up (short-title rule, `title_candidates`)."""
        self.keys: tuple[tuple[Any, ...], ...] = ()
        """The filter keys of stored titles that could match (see `_title_keys`)."""
        self.own: tuple[Any, ...] | None = None
        """The filter key of the record's own main title."""
        if norm:
            self.own, c = _title_key(rec.year, norm)
            if len(norm) < PREFIX:
                self.short = True
            else:
                y, prefix, numbers, _ = self.own
                self.keys = ((y, prefix, numbers, c - 1), self.own, (y, prefix, numbers, c + 1))
        if rec.title_alt:
            alt = normalize_title(rec.title_alt)
            if 0 < len(alt) < PREFIX:
                self.short = True
            elif alt:
                self.keys += _title_keys(rec.year, alt)


class _Seen:
    """What the project already holds, for deciding which records need a look-up.

    With `filtered` False (small imports) every record is looked up, as before the filter existed.
    """

    def __init__(self, store: Store, expected: int, filtered: bool) -> None:
        self.filtered = filtered
        size = store.documents.count() + expected if filtered else 0
        self.dois = dedupe.KeyFilter(size)
        self.titles = dedupe.KeyFilter(size)
        self.keys = dedupe.KeyFilter(size)
        self._fresh: list[set[Any]] = [set(), set()]
        """Keys, DOIs and title prefixes of documents in the writer's buffer / in the batch it is writing."""
        self._mark = (0, 0)
        if filtered:
            for key, doi, year, norm in store.documents.dedupe_keys():  # streamed, never all at once
                self.add(key, doi, year, norm)

    def add(self, key: str, doi: str, year: int | None, norm: str, title_key: Any = None) -> None:
        """Remember a stored document's key, DOI and normalised title ("" for what it lacks)."""
        if key:
            self.keys.add(key)
        if doi:
            self.dois.add(doi)
        if norm:
            self.titles.add(title_key or _title_key(year, norm)[0])

    def _sync(self, writer: DocumentWriter) -> None:
        """Forget the fresh keys of documents the writer has written since the last call."""
        flushes, spills = self._mark
        if writer.flushes != flushes or writer.spills - spills >= 2:
            self._fresh = [set(), set()]
        elif writer.spills != spills:
            self._fresh = [set(), self._fresh[0]]
        self._mark = (writer.flushes, writer.spills)

    def added(self, writer: DocumentWriter, key: str, rec: Record, probe: _Probe) -> None:
        """Remember a document just handed to `writer` (in the filters, and as fresh until it is written)."""
        self._sync(writer)
        self.add(key, rec.doi, rec.year, probe.norm, probe.own)
        fresh = self._fresh[0]
        fresh.add(("key", key))
        if rec.doi:
            fresh.add(("doi", rec.doi))
        if probe.own is not None:
            fresh.add(probe.own)

    def is_fresh(self, writer: DocumentWriter, rec: Record, probe: _Probe) -> bool:
        """True when a document the writer has not written yet may be `rec`'s duplicate (flush first then)."""
        self._sync(writer)
        fresh = self._fresh[0] | self._fresh[1] if self._fresh[1] else self._fresh[0]
        if probe.short or (rec.doi and ("doi", rec.doi) in fresh):
            return True
        return any(k in fresh for k in probe.keys)

    def may_duplicate(self, rec: Record, probe: _Probe) -> bool:
        """False only when no stored document can share `rec`'s DOI or title key (see `find_duplicate`)."""
        if not self.filtered or probe.short or (rec.doi and rec.doi in self.dois):
            return True
        titles = self.titles
        return any(k in titles for k in probe.keys)

    def unique_key(self, store: Store, writer: DocumentWriter, rec: Record) -> str:
        """`make_key`, with a suffix (a, b, ... or -1, -2 for DOIs) when the key is already used."""
        base = make_key(rec)
        if self.filtered and base not in self.keys:
            return base
        if not self.filtered:
            writer.flush()
        self._sync(writer)
        fresh = self._fresh[0] | self._fresh[1]
        used = store.documents.keys_starting_with(base)
        key, n = base, 0
        while key in used or ("key", key) in fresh:
            n += 1
            key = f"{base}-{n}" if rec.doi else f"{base}{_suffix(n)}"
        return key


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
    stream_bytes: int | None = None,
) -> list[ImportReport]:
    """Import bibliographic files into the project, merging duplicates.

    Files are read and checked first and each is then written in one transaction; a file of at
    least `stream_bytes` in a format that can be streamed (RIS) is parsed and written in chunks
    instead, so memory stays bounded, and then all files go in one transaction: an error,
    Ctrl-C or a kill never leaves a half-imported file behind.

    Args:
        store: the open project.
        paths: export files (RIS, BibTeX, WoS, PubMed, CSV/TSV, JSONL, EndNote, RefWorks, NoteExpress,
            citation text), or folders of them (see `expand_paths`).
        fmt: force a format (else detected from the content).
        skip_bad: skip malformed records (reported with their line) instead of failing the file.
        encoding: force an encoding (else detected).
        progress: called as progress(done, total, path) every few hundred records (total is an
            estimate while a big file is streamed).
        stream_bytes: the file size from which to stream (default `reviewkit.importers.stream.STREAM_BYTES`).

    Raises:
        ImportFormatError: a file cannot be read (nothing is written then).
    """
    from reviewkit.importers.stream import open_stream

    files, _ = expand_paths(paths)
    streams = [open_stream(p, fmt, skip_bad=skip_bad, encoding=encoding, stream_bytes=stream_bytes) for p in files]
    total = sum(s.estimate for s in streams)
    outer = store.transaction() if any(s.streamed for s in streams) else contextlib.nullcontext()
    counter = [0, total]
    reports = []
    with outer:
        for stream in streams:
            reports.append(_import_stream(store, stream, counter, progress))
    return reports


def _import_stream(store: Store, stream: RecordStream, counter: list[int], progress: Progress | None) -> ImportReport:
    report = ImportReport(path=stream.path, format=stream.format, encoding=stream.encoding)
    seen = _Seen(store, stream.estimate, filtered=stream.estimate >= BIG_IMPORT)
    with store.transaction():
        database = detect_database(stream.path, stream.format, stream.encoding)
        import_id = store.imports.start(stream.path, stream.format, stream.sha256, database=database)
        writer = store.documents.writer(import_id, background=seen.filtered)
        try:
            for chunk in stream:
                for rec in chunk:
                    _import_record(store, writer, seen, rec, report, stream.path)
                    counter[0] += 1
                    if progress is not None and counter[0] % 500 == 0:
                        counter[1] = max(counter[1], counter[0])
                        progress(counter[0], counter[1], stream.path)
            writer.flush()
        finally:
            writer.close()  # before any rollback: the helper thread must be done with the connection
        report.skipped = list(stream.skipped)
        if progress is not None:  # inside the transaction: Ctrl-C here still leaves nothing behind
            counter[1] = max(counter[1] - stream.estimate + report.records, counter[0])
            progress(counter[0], counter[1], stream.path)
        store.imports.finish(
            import_id,
            records=report.records + len(report.skipped),
            added=report.added,
            merged=report.merged,
            skipped=[str(s) for s in report.skipped],
        )
    return report


def _import_record(
    store: Store, writer: DocumentWriter, seen: _Seen, rec: Record, report: ImportReport, path: str
) -> None:
    report.records += 1
    probe = _Probe(rec)
    dup = None
    if seen.may_duplicate(rec, probe):
        report.lookups += 1
        if not seen.filtered or seen.is_fresh(writer, rec, probe):
            writer.flush()  # the look-up must see the documents still buffered
        dup = find_duplicate(store, rec)
    if dup is None:
        key = seen.unique_key(store, writer, rec)
        doc_id = writer.add(rec, key, probe.norm)
        writer.add_source(doc_id, rec, duplicate=False)
        seen.added(writer, key, rec, probe)
        report.added += 1
        return
    doc_id, reason, sim = dup
    old = store.documents.record(doc_id)
    merged, kept = keep_coded_text(store, doc_id, old, merge_records(old, rec), f"import of {path}")
    report.kept += kept
    writer.update(doc_id, merged)
    writer.add_source(doc_id, rec, duplicate=True, reason=reason, similarity=sim)
    seen.add("", merged.doi, merged.year, normalize_title(merged.title))
    report.merged += 1
    report.merges.append((doc_id, reason))


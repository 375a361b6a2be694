"""Provides the import use case: read export files (streamed when big) and write them with duplicate detection.

Each file is written in one transaction (all files in one when a big file is streamed, since a
bad record may then show up after records were written): an error, Ctrl-C or a kill never
leaves half a file behind. Records are prepared first (`import_keys.prepare`; for a streamed file
in a worker process, `import_worker`); duplicate detection then asks the project only for records
that may have a stored twin: filters of the stored DOIs, title prefixes and keys
(`import_filter.SeenKeys`), built once per big import, answer for the rest. The duplicate rules
themselves are in `import_match`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.errors import ImportFormatError
from reviewkit.importers.databases import detect_database
from reviewkit.importers.stream import NotStreamable
from reviewkit.project import import_worker
from reviewkit.project.import_filter import SeenKeys
from reviewkit.project.import_keys import PREFIX, Prepared, make_key
from reviewkit.project.import_match import find_duplicate, keep_coded_text, merge_records
from reviewkit.project.import_worker import Workers, fewer_collections
from reviewkit.records import SkippedRecord
from reviewkit.store.text import normalize_title

if TYPE_CHECKING:
    from reviewkit.importers.stream import RecordStream
    from reviewkit.store import Store
    from reviewkit.store.writer import DocumentWriter

__all__ = ["BIG_IMPORT", "PREFIX", "ImportReport", "Progress", "expand_paths", "find_duplicate", "import_files",
           "keep_coded_text", "make_key", "merge_records", "read_files"]  # fmt: skip

BIG_IMPORT = 1000
"""From this many records in a file, the import filters duplicate and key look-ups through `SeenKeys`."""

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """What importing one file did."""

    path: str
    format: str
    encoding: str
    database: str = ""
    """The database the file names (Scopus, "Embase via Ovid"), or "" (see `importers.databases`)."""
    records: int = 0
    added: int = 0
    merged: int = 0
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[SkippedRecord] = field(default_factory=list)
    """Problems that cost no record: a bad byte replaced, a junk line left out of its record (with its line)."""
    merges: list[tuple[int, str]] = field(default_factory=list)
    """(document id, reason) for each record merged into an existing document."""
    kept: list[str] = field(default_factory=list)
    """One line per coded text kept when a duplicate brought another one (stored as a version)."""
    lookups: int = 0
    """Records whose duplicates and key were looked up in the project (the others passed the filter)."""


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
    instead, so memory stays bounded (parsed in a worker process meanwhile, see `import_worker`),
    and then all files go in one transaction: an error, Ctrl-C or a kill never leaves a
    half-imported file behind. A streamed file is decoded as it is parsed: one that turns out not
    to decode cleanly is rolled back and the import starts again with it read whole (which then
    finds its encoding or names the bad bytes). After a streamed import commits, its pages are
    copied into the project file in the background (`Store.bulk_transaction`).

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
    files, _ = expand_paths(paths)
    whole: set[str] = set()
    while True:
        try:
            return _import_all(store, files, fmt, skip_bad, encoding, progress, stream_bytes, whole)
        except NotStreamable as exc:  # rolled back: start again with that file read whole
            if exc.path in whole:  # pragma: no cover - a file read whole is never streamed
                raise
            whole.add(exc.path)


def _import_all(
    store: Store,
    files: list[Path],
    fmt: str | None,
    skip_bad: bool,
    encoding: str | None,
    progress: Progress | None,
    stream_bytes: int | None,
    whole: set[str],
) -> list[ImportReport]:
    """`import_files` of the expanded `files` (those in `whole` are never streamed)."""
    from reviewkit.importers.stream import open_stream

    workers = Workers(skip_bad)
    try:
        streams = [open_stream(p, fmt, skip_bad=skip_bad, encoding=encoding, on_streamable=workers.start_early,
                               stream_bytes=sys.maxsize if str(p) in whole else stream_bytes) for p in files]  # fmt: skip
        total = sum(s.estimate for s in streams)
        outer = store.bulk_transaction() if any(s.streamed for s in streams) else contextlib.nullcontext()
        counter = [0, total]
        reports = []
        with outer, fewer_collections():
            for stream in streams:
                reports.append(_import_stream(store, stream, workers, counter, progress))
    finally:
        workers.close()
    return reports


def _import_stream(
    store: Store, stream: RecordStream, workers: Workers, counter: list[int], progress: Progress | None
) -> ImportReport:
    report = ImportReport(path=stream.path, format=stream.format, encoding=stream.encoding)
    seen = SeenKeys(store, stream.estimate, filtered=stream.estimate >= BIG_IMPORT)
    with store.transaction():
        database = detect_database(stream.path, stream.format, stream.encoding)
        report.database = database
        import_id = store.imports.start(stream.path, stream.format, database=database)  # (SHA-256 at the end)
        # Parsed by worker processes, the file keeps this process busy writing: a writer thread would
        # only wait for the interpreter lock after every row (measured: 0.2 s slower per 100,000).
        background = seen.filtered and not (stream.streamed and import_worker.WORKER)
        writer = store.documents.writer(import_id, background=background)
        try:
            for chunk in workers.chunks(stream):
                for item in chunk:
                    _import_record(store, writer, seen, item, report, stream.path)
                    counter[0] += 1
                    if progress is not None and counter[0] % 500 == 0:
                        counter[1] = max(counter[1], counter[0])
                        progress(counter[0], counter[1], stream.path)
            writer.flush()
        finally:
            writer.close()  # before any rollback: the helper thread must be done with the connection
        report.skipped = list(stream.skipped)
        report.warnings = list(stream.warnings)
        if progress is not None:  # inside the transaction: Ctrl-C here still leaves nothing behind
            counter[1] = max(counter[1] - stream.estimate + report.records, counter[0])
            progress(counter[0], counter[1], stream.path)
        store.imports.finish(
            import_id,
            sha256=stream.sha256,
            records=report.records + len(report.skipped),
            added=report.added,
            merged=report.merged,
            skipped=[str(s) for s in report.skipped],
        )
    return report


def _import_record(
    store: Store, writer: DocumentWriter, seen: SeenKeys, item: Prepared, report: ImportReport, path: str
) -> None:
    report.records += 1
    dup = None
    if seen.may_duplicate(item):
        report.lookups += 1
        if not seen.filtered or seen.is_fresh(writer, item):
            writer.flush()  # the look-up must see the documents still buffered
        dup = find_duplicate(store, item.to_record())
    if dup is None:
        key = seen.unique_key(store, writer, item)
        doc_id = writer.add_values(item.values, key, item.norm)
        writer.add_source_values(doc_id, item.source, duplicate=False)
        seen.added(writer, key, item)
        report.added += 1
        return
    doc_id, reason, sim = dup
    rec = item.to_record()
    old = store.documents.record(doc_id)
    merged, kept = keep_coded_text(store, doc_id, old, merge_records(old, rec), f"import of {path}")
    report.kept += kept
    writer.update(doc_id, merged)
    writer.add_source_values(doc_id, item.source, duplicate=True, reason=reason, similarity=sim)
    seen.add("", merged.doi, merged.year, normalize_title(merged.title))
    report.merged += 1
    report.merges.append((doc_id, reason))

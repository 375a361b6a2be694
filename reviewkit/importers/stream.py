"""Provides `open_stream`: the records of an export file in chunks, so that a huge file never sits in memory whole.

A file of at least `STREAM_BYTES` that is RIS in UTF-8 (with or without BOM, or in the encoding
the user names) is decoded and parsed a few thousand records at a time; the import writes each
chunk before the next is read. Any other file is read whole by `read_records`, as before, and
handed out as one chunk. A streamed file is checked for NUL bytes and decoded strictly while it is
parsed: a file that fails either is read whole (`NotStreamable`: the import starts again), so it
gets the same messages. Nothing reads a streamed file whole before parsing starts: its SHA-256 is
worked out meanwhile (`FileHash`) and its record count estimated from its start (checking and
counting it first took a tenth of a big import).
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from reviewkit.errors import ImportFormatError
from reviewkit.importers import read_records
from reviewkit.importers.base import ParseContext
from reviewkit.importers.ris import _TY, RisImporter
from reviewkit.importers.textio import decode_head
from reviewkit.records import Record, SkippedRecord

STREAM_BYTES = 32 * 2**20
"""Files from this size on are streamed when their format allows it."""
BLOCK_CHARS = 4 * 2**20
"""Characters decoded at a time while streaming (each block is cut after the last whole record)."""
_READ = 16 * 2**20


class NotStreamable(Exception):
    """A streamed file turned out not to decode cleanly: it must be read whole instead (`read_records`).

    Raised while the stream is iterated; the import then rolls back what it wrote of it and starts
    again with the file read whole, which finds the encoding or names the bad bytes.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class RecordStream:
    """The records of one file, chunk by chunk (iterate once).

    Attributes:
        path: the file as given.
        format: the short format name ("ris").
        encoding: the text encoding used.
        sha256: the hex SHA-256 of the file's bytes.
        estimate: the number of records (exact for a file read whole; estimated from its start when streamed).
        streamed: True when the file is parsed chunk by chunk while it is imported.
        skipped: bad records skipped so far (skip_bad), each with its line and reason.
        warnings: problems that cost no record.
    """

    def __init__(self, path: str, fmt: str, encoding: str, sha256: str | FileHash, estimate: int, streamed: bool) -> None:
        self.path, self.format, self.encoding, self._sha256 = path, fmt, encoding, sha256
        self.estimate, self.streamed = estimate, streamed
        self.skipped: list[SkippedRecord] = []
        self.warnings: list[SkippedRecord] = []
        self._records: list[Record] = []
        self._skip_bad = False

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the file's bytes (of a streamed file: worked out meanwhile, waited for here)."""
        return self._sha256 if isinstance(self._sha256, str) else self._sha256.result()

    def __iter__(self) -> Iterator[list[Record]]:
        if not self.streamed:
            records, self._records = self._records, []
            yield records
            return
        yield from self._chunks()

    def _chunks(self) -> Iterator[list[Record]]:
        thresholds = gc.get_threshold()  # see read_records: parsing makes millions of small objects
        gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
        try:
            yield from self._parse()
        finally:
            gc.set_threshold(*thresholds)

    def _parse(self) -> Iterator[list[Record]]:
        ctx = ParseContext(self.path, "ris", self._skip_bad)
        importer = RisImporter()
        line, number, carry = 1, 0, ""
        size = max(1, BLOCK_CHARS // 16)  # a small first chunk: the import starts writing sooner
        with open(self.path, encoding=self.encoding, newline=None) as fh:
            left = os.fstat(fh.fileno()).st_size  # (in bytes: at least the characters still to read)
            while True:
                try:
                    block = fh.read(size)
                    left -= len(block)
                    # Small last chunks too: the import finishes writing the last one after parsing ends.
                    size = BLOCK_CHARS if left > BLOCK_CHARS * 3 // 2 else max(1, BLOCK_CHARS // 4)
                except UnicodeDecodeError as exc:  # decoded here, strictly, and nowhere before
                    raise NotStreamable(self.path, f"not clean {self.encoding} ({exc.reason})") from None
                if "\x00" in block:  # (NUL bytes: binary, or UTF-16 read as UTF-8; read whole, it is named)
                    raise NotStreamable(self.path, "NUL bytes")
                text = carry + block
                lines = text.split("\n")
                if block:
                    cut = _last_record_start(lines)
                    if cut <= 0:
                        carry = text
                        continue
                    carry, lines = "\n".join(lines[cut:]), lines[:cut]
                number = importer.parse_lines(lines, ctx, ty_required=True, first_line=line, first_number=number)
                line += len(lines)
                records, ctx.records = ctx.records, []
                self.skipped, self.warnings = ctx.skipped, ctx.warnings
                if records:
                    yield records
                if not block:
                    break
        if number == 0:
            raise ImportFormatError(self.path, None, "no ris records found")


def _last_record_start(lines: list[str]) -> int:
    """Index of the last line that opens a record right after an ``ER`` line (0 when none): a safe cut.

    The last item of `lines` is a partial line and never counts.
    """
    for i in range(len(lines) - 2, 0, -1):
        if lines[i].lstrip().startswith("TY  -"):
            j = i - 1
            while j > 0 and not lines[j].strip():
                j -= 1
            if lines[j].lstrip().startswith("ER  -"):
                return i
    return 0


def open_stream(
    path: str | Path,
    fmt: str | None = None,
    *,
    skip_bad: bool = False,
    encoding: str | None = None,
    stream_bytes: int | None = None,
    on_streamable: Callable[[str, str], None] | None = None,
) -> RecordStream:
    """The records of one export file: streamed when it is big RIS in UTF-8, else read whole now.

    Args:
        path: the export file.
        fmt: a short format name to force; None to detect.
        skip_bad: keep going past bad records (listed in `RecordStream.skipped`).
        encoding: force a text encoding; None to detect.
        stream_bytes: the size from which to stream (default `STREAM_BYTES`).
        on_streamable: called as on_streamable(path, encoding) when the file's start says it can be
            streamed, before the whole file is checked (which may still refuse it): the import
            starts its parsing process meanwhile.

    Raises:
        ImportFormatError: as `read_records` (a streamed file may also raise while it is iterated).
    """
    spath = str(path)
    p = Path(path)
    limit = STREAM_BYTES if stream_bytes is None else stream_bytes
    size = p.stat().st_size if p.is_file() else 0
    if size >= limit and size > 0:
        stream = _try_stream(spath, fmt, encoding, on_streamable)
        if stream is not None:
            stream._skip_bad = skip_bad
            return stream
    result = read_records(path, fmt, skip_bad=skip_bad, encoding=encoding)
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    stream = RecordStream(spath, result.format, result.encoding, sha, len(result.records), streamed=False)
    stream._records = result.records
    stream.skipped, stream.warnings = result.skipped, result.warnings
    return stream


def _try_stream(
    path: str, fmt: str | None, encoding: str | None, on_streamable: Callable[[str, str], None] | None = None
) -> RecordStream | None:
    """A streamed RecordStream when the file can be streamed, else None (it is then read whole)."""
    from reviewkit.importers import _detect, _short

    with open(path, "rb") as fh:
        head_bytes = fh.read(65536)
    try:
        head, used = decode_head(head_bytes, path, complete=False)
    except ImportFormatError:
        return None
    if not _TY.search(head):
        return None
    if encoding is None:
        if used not in ("utf-8", "utf-8-sig", "ascii"):
            return None
        encoding = "utf-8-sig" if head_bytes.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        return None  # read_records names the unknown encoding
    early = on_streamable is not None and not fmt and RisImporter().sniff(head) >= 95
    if early and on_streamable is not None:  # (sure it is RIS: its parsers start while every format is asked)
        on_streamable(path, encoding)
    name = _short(fmt).lower() if fmt else _detect(path, head)
    if name != "ris":
        return None  # (a parser started early is stopped: the file is not streamed)
    if on_streamable is not None and not early:
        on_streamable(path, encoding)
    return RecordStream(path, "ris", encoding, FileHash(path), _estimate(head_bytes, Path(path).stat().st_size), streamed=True)


def _estimate(head: bytes, size: int) -> int:
    """About how many records a file of `size` bytes holds, from those in its first bytes (a fifth more, to be safe).

    The whole file is not read for this: that took a tenth of a big import before parsing could start.
    The estimate sizes the import's duplicate filters and the progress bar's total until the end.
    """
    seen = head.count(b"\nER  -") + head.startswith(b"ER  -")
    if len(head) >= size or not seen:
        return max(seen, 1)
    return int(size / len(head) * seen * 1.2) + 1


class FileHash:
    """The SHA-256 of a file, worked out by a helper thread while the import goes on (hashing lets other threads run)."""

    def __init__(self, path: str) -> None:
        self._hex = ""
        self._thread = threading.Thread(target=self._run, args=(path,), name="reviewkit-sha256", daemon=True)
        self._thread.start()

    def _run(self, path: str) -> None:
        sha = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                while data := fh.read(_READ):
                    sha.update(data)
        except OSError:
            return  # (the import itself then reports the file)
        self._hex = sha.hexdigest()

    def result(self) -> str:
        """The hex digest ("" when the file could not be read)."""
        self._thread.join()
        return self._hex

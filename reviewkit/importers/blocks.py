"""Provides `record_blocks` and `parse_blocks`: a big RIS file cut into byte ranges of whole records, parsed by several processes.

A file is cut right before a line that starts ``TY  - `` when the last non-blank line before it
starts ``ER  -``: every block then starts between two records, so a block parses exactly as the
same lines do when the whole file is parsed in one go (`reviewkit.importers.stream` cuts its text
chunks at the same kind of line). Blocks are about `block` bytes: the first a sixteenth, each next
one twice as big until they are whole (the import starts writing while the parsing processes are
still starting, and each gets a small block first), those in the last one and a half blocks a
quarter (it finishes sooner).
The cuts depend only on the file and `block`, so every process that reads a file this way finds
the same blocks; process `part` of `parts` parses blocks part, part + parts, ... and only counts
the lines of the others, so its records carry their line in the file. Record numbers are counted
from the start of each block (the importing process adds the records of the blocks before).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from reviewkit.importers.base import ParseContext
from reviewkit.importers.ris import RisImporter
from reviewkit.importers.stream import NotStreamable
from reviewkit.records import Record, SkippedRecord

SPLITTABLE = frozenset({"utf-8", "utf-8-sig", "ascii"})
"""Encodings whose files are cut into blocks (a cut is found in the bytes: the encoding must keep ASCII as it is)."""
_WINDOW = 2**20
_OPEN = b"\nTY  - "


def record_blocks(path: str, block: int) -> Iterator[tuple[int, int]]:
    """The (start, end) byte ranges of the file's blocks, in order, covering it whole.

    Args:
        path: the RIS file.
        block: about how many bytes a block has.
    """
    size = os.path.getsize(path)
    start, target = 0, max(1, block // 16)
    with open(path, "rb") as fh:
        while True:
            cut = _cut_from(fh, start + target, size) if start + target < size else None
            if cut is None:
                yield start, size
                return
            yield start, cut
            start = cut
            target = min(block, target * 2) if size - start > block * 3 // 2 else max(1, block // 4)


def _cut_from(fh: BinaryIO, offset: int, size: int) -> int | None:
    """The first safe cut at or after `offset` (the offset of its ``TY`` line), or None when there is none."""
    pos = offset
    while pos < size:
        fh.seek(pos)
        window = fh.read(_WINDOW)
        i = window.find(_OPEN)
        while i != -1:
            if _follows_end(window, i):
                return pos + i + 1
            i = window.find(_OPEN, i + 1)
        if len(window) < _WINDOW:
            return None
        pos += _WINDOW - len(_OPEN)  # (windows overlap: a line start across their border is seen)
    return None


def _follows_end(window: bytes, newline: int) -> bool:
    """Whether the last non-blank line that ends at `newline` starts with ``ER  -`` (judged only when it lies whole in `window`)."""
    end = newline
    while True:
        start = window.rfind(b"\n", 0, end)
        if start == -1:
            return False  # it starts before the window: not judged here (a later cut will do)
        line = window[start + 1 : end]
        if line.strip():
            # (a lone CR would be a line break when decoded: such a line is never trusted)
            return b"\r" not in line.rstrip(b"\r") and line.lstrip().startswith(b"ER  -")
        end = start


def _lines(data: bytes) -> int:
    """Lines ended in `data`, counted as Python's universal newlines count them (LF, CRLF and a lone CR)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def parse_blocks(
    path: str, encoding: str, block: int, *, part: int = 0, parts: int = 1, skip_bad: bool = False
) -> Iterator[tuple[list[Record], list[SkippedRecord], list[SkippedRecord], int]]:
    """Parse this process's blocks of a RIS file, one at a time.

    Yields:
        (records, skipped, warnings, count) per block: lines are the file's, record numbers count
        from the block's start, and `count` is the number of records the block held.

    Raises:
        NotStreamable: a block does not decode cleanly in `encoding` (the file is then read whole).
        ImportFormatError: a bad record (without skip_bad); its record number counts from the block's start.
    """
    importer = RisImporter()
    line = 1
    with open(path, "rb") as fh:
        for k, (start, end) in enumerate(record_blocks(path, block)):
            fh.seek(start)
            data = fh.read(end - start)
            if k % parts != part:
                line += _lines(data)
                continue
            if b"\x00" in data:  # (as `stream`: such a file is read whole, which names what it is)
                raise NotStreamable(path, "NUL bytes")
            try:
                text = data.decode(encoding if k == 0 else encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise NotStreamable(path, f"not clean {encoding} ({exc.reason})") from None
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            ctx = ParseContext(path, "ris", skip_bad)
            count = importer.parse_lines(text.split("\n"), ctx, ty_required=True, first_line=line)
            line += text.count("\n")
            yield ctx.records, ctx.skipped, ctx.warnings, count

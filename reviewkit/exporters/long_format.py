"""Provides the long format shared by the csv-long and jsonl exports and `reviewkit codings import`.

One row per document × passage × code × coder. Reading accepts files written by reviewkit, by a
spreadsheet (UTF-8 with or without BOM) or by hand: only ``document_key`` and ``code_id`` are
required, plus either the passage offsets (``start``, ``end``, optionally ``field``) or its text
(``passage_text``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reviewkit.errors import ImportFormatError
from reviewkit.exporters.base import CodingRow, ReviewFacts
from reviewkit.exporters.csvsafe import unneutralise

LONG_COLUMNS: tuple[str, ...] = (
    "document_key",
    "doi",
    "year",
    "title",
    "field",
    "start",
    "end",
    "passage_text",
    "code_id",
    "code_label",
    "status",
    "coder",
    "origin",
    "score",
    "method",
    "evidence",
    "decided_at",
    "passage_done",
    "document_reviewed",
)
"""Columns of the long exports, in order (the last two: the row coder's reviewed state, `review_fields`)."""

REQUIRED = ("document_key", "code_id")


def long_record(row: CodingRow) -> dict[str, Any]:
    """The long-format fields of a coding (evidence left as an object; None for missing values)."""
    return {
        "document_key": row.document_key,
        "doi": row.doi,
        "year": row.year,
        "title": row.title,
        "field": row.field,
        "start": row.start,
        "end": row.end,
        "passage_text": row.passage_text,
        "code_id": row.code_id,
        "code_label": row.code_label,
        "status": row.status,
        "coder": row.coder,
        "origin": row.origin,
        "score": None if row.score is None else round(float(row.score), 6),
        "method": row.method or "",
        "evidence": row.evidence,
        "decided_at": row.decided_at,
    }


def review_fields(row: CodingRow, facts: ReviewFacts | None) -> dict[str, bool | None]:
    """The row coder's reviewed state: passage marked done, document reviewed (None when not known).

    For a ``consensus`` row (an adjudicated or agreed decision) the document is reviewed under the
    consensus rule, and the passage is done when the document is.
    """
    if facts is None:
        return {"passage_done": None, "document_reviewed": None}
    if row.coder == "consensus":
        doc = row.document_id in facts.consensus_reviewed
        done = doc or row.passage_id in facts.passages_done.get(row.coder, frozenset())
        return {"passage_done": done, "document_reviewed": doc}
    return {
        "passage_done": row.passage_id in facts.passages_done.get(row.coder, frozenset()),
        "document_reviewed": row.coder in facts.reviewed_by.get(row.document_id, ()),
    }


def read_long(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Read a long-format CSV or JSONL file (chosen by suffix: .jsonl/.ndjson/.json are JSON lines).

    Args:
        path: the file.

    Yields:
        (1-based line number where the row starts, the row as a dict of strings / JSON values).

    Raises:
        ImportFormatError: the file cannot be read, is not UTF-8, a JSON line is malformed, or
            required columns are missing.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(str(p), None, f"not UTF-8 text ({exc.reason}); save it as UTF-8 CSV") from exc
    except OSError as exc:
        raise ImportFormatError(str(p), None, f"cannot read the file: {exc.strerror or exc}") from exc
    if p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        yield from _read_jsonl(p, text)
    else:
        yield from _read_csv(p, text)


def _read_jsonl(p: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise ImportFormatError(str(p), n, f"not a JSON object ({exc})") from exc
        if not isinstance(obj, dict):
            raise ImportFormatError(str(p), n, "expected a JSON object per line")
        missing = [c for c in REQUIRED if c not in obj]
        if missing:
            raise ImportFormatError(
                str(p), n, f"missing field(s) {', '.join(missing)}; expected {', '.join(LONG_COLUMNS)}"
            )
        yield n, obj


def _read_csv(p: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFormatError(
            str(p),
            1,
            f"missing column(s) {', '.join(missing)}; the header should name {', '.join(LONG_COLUMNS)}",
        )
    start = reader.line_num + 1
    for row in reader:
        if any((v or "").strip() for k, v in row.items() if k is not None):
            yield start, {k: (unneutralise(v) if v is not None else "") for k, v in row.items() if k is not None}
        start = reader.line_num + 1

"""Provides the stored form of a record: `document_values`, `source_values` and the JSON they hold.

Pure functions without SQLite, so that a worker process can work rows out while the importing
process writes (`reviewkit.project.import_worker`).
"""

from __future__ import annotations

import json
from typing import Any

from reviewkit.records import Record

_LIST_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_RAW_JSON = _RAW_ENCODER.encode
_QUOTE = json.encoder.encode_basestring  # the C string quoter behind ensure_ascii=False
# `JSONEncoder.encode` builds a new C encoder on every call (a third of its time for a small dict);
# imports encode one raw record per row, so they keep one (same output: default separators, str()).
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_RAW_C = (
    _C_ENCODER(None, str, _QUOTE, None, ": ", ", ", False, False, True) if _C_ENCODER is not None else None
)


def _jlist(values: tuple[str, ...] | list[str]) -> str:
    """JSON of a list of names or keywords, as ``json.dumps(values, ensure_ascii=False, separators=(",", ":"))``."""
    if not values:
        return "[]"
    try:
        return "[" + ",".join(map(_QUOTE, values)) + "]"
    except TypeError:  # not all strings
        return _LIST_JSON(values)


def raw_json(raw: dict[str, Any]) -> str:
    """JSON of a raw source record, as ``json.dumps(raw, ensure_ascii=False, default=str)``."""
    if not raw:
        return "{}"
    if _RAW_C is None:  # pragma: no cover - Python without the C accelerator
        return _RAW_JSON(raw)
    try:
        return "".join(_RAW_C(raw, 0))
    except (TypeError, ValueError, RecursionError):  # pragma: no cover - the plain encoder says what is wrong
        return _RAW_JSON(raw)


def document_values(r: Record) -> tuple[Any, ...]:
    """The stored fields of a record, in the order `DocumentWriter.add_values` takes them (pure: any process)."""
    return (
        r.title, r.abstract, _jlist(r.authors), r.year, r.journal, r.volume, r.issue, r.pages, r.doi,
        r.type, r.language, r.title_alt, r.abstract_alt, _jlist(r.authors_alt), r.journal_alt,
        r.language_alt, _jlist(r.keywords), r.url, r.source_format, r.source_file,
    )  # fmt: skip


def source_values(r: Record) -> tuple[Any, ...]:
    """Where a record came from, with its raw fields as JSON, as `DocumentWriter.add_source_values` takes it."""
    return (r.source_format, r.source_file, r.source_line, r.key, raw_json(r.raw))

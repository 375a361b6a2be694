"""Provides the stored form of a record: `document_values`, `source_values` and the JSON they hold.

Pure functions without SQLite, so that a worker process can work rows out while the importing
process writes (`reviewkit.project.import_worker`).
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from reviewkit.records import Record

_LIST_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_RAW_JSON = json.JSONEncoder(ensure_ascii=False, default=str).encode
_QUOTE = json.encoder.encode_basestring  # the C string quoter behind ensure_ascii=False
_RAW_ENCODER = msgspec.json.Encoder(enc_hook=str)
"""msgspec encodes a raw record about three times as fast as the json module (an import encodes one per record)."""


def _jlist(values: tuple[str, ...] | list[str]) -> str:
    """JSON of a list of names or keywords, as ``json.dumps(values, ensure_ascii=False, separators=(",", ":"))``."""
    if not values:
        return "[]"
    try:
        return "[" + ",".join(map(_QUOTE, values)) + "]"
    except TypeError:  # not all strings
        return _LIST_JSON(values)


def raw_json(raw: dict[str, Any]) -> str:
    """JSON of a raw source record (UTF-8 kept readable; a value JSON has no type for becomes its ``str``).

    Compact (no spaces after ``:`` and ``,``); `json.loads` reads it back to the same dict for any
    JSON-typed record. What msgspec cannot encode (a key that is not a string, say) falls back to
    ``json.dumps(raw, ensure_ascii=False, default=str)``.
    """
    if not raw:
        return "{}"
    try:
        return _RAW_ENCODER.encode(raw).decode()
    except (TypeError, ValueError, msgspec.EncodeError):
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

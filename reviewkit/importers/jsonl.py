"""Provides the JSON Lines importer: one JSON object per line with Record field names."""

from __future__ import annotations

import json
from dataclasses import fields as dc_fields
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.csvfile import split_authors
from reviewkit.importers.normalise import (
    clean,
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
    split_list,
)
from reviewkit.importers.openalex import is_openalex_work, openalex_fields
from reviewkit.records import Record
from reviewkit.registry import importers

_TEXT_FIELDS = (
    "title",
    "abstract",
    "journal",
    "volume",
    "issue",
    "title_alt",
    "abstract_alt",
    "journal_alt",
    "url",
    "key",
)
_SKIP = frozenset({"source_format", "source_file", "source_line", "raw"})
_RECORD_FIELDS = frozenset(f.name for f in dc_fields(Record))


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(clean(v) for v in value if clean(v))
    return split_authors(clean(value))


def json_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Map one JSON object (Record field names; a few common aliases; an OpenAlex work) to Record keyword arguments."""
    if is_openalex_work(obj):
        return openalex_fields(obj)
    get = obj.get
    fields: dict[str, Any] = {k: clean(get(k)) for k in _TEXT_FIELDS if get(k) is not None}
    if "title" not in fields and get("primary_title"):
        fields["title"] = clean(get("primary_title"))
    fields["authors"] = _names(get("authors", get("author", ())))
    if get("authors_alt"):
        fields["authors_alt"] = _names(get("authors_alt"))
    fields["year"] = norm_year(get("year", get("publication_year")))
    fields["pages"] = norm_pages(get("pages", ""))
    fields["doi"] = norm_doi(get("doi", ""))
    kw = get("keywords", ())
    fields["keywords"] = (
        tuple(clean(k) for k in kw if clean(k)) if isinstance(kw, list) else split_list(kw, ";")
    )
    fields["language"] = norm_language(get("language")) or clean(get("language"))[:8]
    if get("language_alt"):
        fields["language_alt"] = norm_language(get("language_alt")) or clean(get("language_alt"))[:8]
    fields["type"] = norm_type(get("type")) if get("type") else ""
    raw = get("raw")
    extra = {k: v for k, v in obj.items() if k not in _RECORD_FIELDS and k not in _SKIP}
    fields["raw"] = dict(raw) if isinstance(raw, dict) else {}
    fields["raw"].update(extra)
    return fields


def results_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of an API page (OpenAlex's ``{"meta": ..., "results": [...]}``), or `obj` itself."""
    results = obj.get("results")
    if isinstance(results, list) and "meta" in obj:
        return [r for r in results if isinstance(r, dict)]
    return [obj]


@importers.register("jsonl.v1")
class JsonlImporter(Importer):
    """JSON Lines: one object per line with Record field names (title, abstract, authors, year ...)."""

    name = "jsonl"
    suffixes = ("jsonl", "ndjson")

    def sniff(self, head: str) -> int:
        """Sure when the first non-empty line is a complete JSON object."""
        for line in head.split("\n"):
            if line.strip():
                s = line.strip()
                if s.startswith("{") and s.endswith("}"):
                    try:
                        return 96 if isinstance(json.loads(s), dict) else 0
                    except ValueError:
                        return 30
                return 0
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse one JSON object per non-empty line."""
        number = 0
        for no, line in enumerate(text.split("\n"), 1):
            s = line.strip()
            if not s:
                continue
            number += 1
            try:
                obj = json.loads(s)
            except ValueError as exc:
                ctx.fail(no, f"invalid JSON: {exc}", number)
                continue
            if not isinstance(obj, dict):
                ctx.fail(no, f"expected a JSON object, found {type(obj).__name__}", number)
                continue
            for i, item in enumerate(results_of(obj)):
                number += 1 if i else 0
                ctx.add(json_fields(item), no, number)

"""Provides the JSON array importer: CSL-JSON (Zotero, Mendeley, citation.js) or objects with Record field names."""

from __future__ import annotations

import json
import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.jsonl import json_fields, results_of
from reviewkit.importers.markup import strip_markup
from reviewkit.importers.normalise import (
    clean,
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
    split_list,
)
from reviewkit.registry import importers

_CSL_KEYS = frozenset({"container-title", "issued", "DOI", "URL", "page", "author", "citation-key"})


def _csl_name(person: Any) -> str:
    if isinstance(person, dict):
        if person.get("literal"):
            return clean(person["literal"])
        family, given = clean(person.get("family")), clean(person.get("given"))
        return f"{family}, {given}" if family and given else family or given
    return clean(person)


def _csl_year(issued: Any) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return norm_year(parts[0][0])
        return norm_year(issued.get("raw") or issued.get("literal"))
    return norm_year(issued)


def _no_html(text: str) -> str:
    """Drop CSL's HTML-like rich text (``<i>``, ``<sup>``, ``<span class="nocase">``) and unescape entities."""
    return strip_markup(text)


def csl_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Map one CSL-JSON item to Record keyword arguments (the whole item is kept as `raw`)."""
    get = obj.get
    people = get("author") or get("editor") or []  # an edited book has only editors
    return {
        "title": _no_html(clean(get("title"))),
        "abstract": _no_html(clean(get("abstract"))),
        "authors": tuple(n for n in (_csl_name(p) for p in people if isinstance(p, dict)) if n),
        "year": _csl_year(get("issued")),
        "journal": _no_html(clean(get("container-title"))),
        "volume": clean(get("volume")),
        "issue": clean(get("issue")),
        "pages": norm_pages(clean(get("page")).replace("–", "-")),
        "doi": norm_doi(clean(get("DOI"))),
        "keywords": split_list(get("keyword") or (), ";,"),
        "language": norm_language(get("language")),
        "type": norm_type(get("type")) if get("type") else "",
        "url": clean(get("URL")),
        "key": clean(get("citation-key") or get("id")),
        "raw": obj,
    }


def _parse_document(text: str, ctx: ParseContext) -> None:
    """One JSON object: an API page's results, or a single item."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        ctx.fail(exc.lineno, f"invalid JSON: {exc.msg}", None)
        return
    for number, item in enumerate(results_of(obj), 1):
        ctx.add(json_fields(item), 1, number)


@importers.register("json.v1")
class JsonArrayImporter(Importer):
    """A JSON array of items: CSL-JSON (Zotero's "CSL JSON" export) or objects with Record field names."""

    name = "json"
    suffixes = ("json",)

    def sniff(self, head: str) -> int:
        """Sure when the file starts with ``[`` followed by an object with CSL or Record keys."""
        start = head.lstrip("\ufeff \t\r\n")
        if start.startswith("{"):  # one object: an OpenAlex work or API page, pretty-printed
            return 90 if '"https://openalex.org/W' in start[:20000] else 0
        if not start.startswith("["):
            return 0
        if re.search(r'"(title|container-title|issued|author|abstract|DOI)"\s*:', start[:20000]):
            return 92
        return 20

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse the array item by item, so a bad item is reported with its line."""
        decoder = json.JSONDecoder()
        pos = len(text) - len(text.lstrip())
        if text.startswith("{", pos):
            _parse_document(text, ctx)
            return
        if not text.startswith("[", pos):
            ctx.fail(1, "expected a JSON array of items ('[' ...)", None)
            return
        pos += 1
        number, line, counted = 0, 1, 0
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text):
                ctx.fail(line, "the JSON array is not closed with ']'", None)
                return
            if text[pos] == "]":
                return
            line += text.count("\n", counted, pos)
            counted = pos
            number += 1
            try:
                obj, end = decoder.raw_decode(text, pos)
            except ValueError as exc:
                ctx.fail(line, f"invalid JSON: {exc.args[0].split(':')[0]}", number)
                return
            pos = end
            if not isinstance(obj, dict):
                ctx.fail(line, f"expected a JSON object, found {type(obj).__name__}", number)
                continue
            is_csl = (
                bool(_CSL_KEYS & obj.keys())
                or isinstance(obj.get("author"), list)
                and any(isinstance(a, dict) for a in obj["author"])
            )
            ctx.add(csl_fields(obj) if is_csl else json_fields(obj), line, number)

"""Provides the RIS importer (parsing by rispy, with line numbers, BOM and truncation checks)."""

from __future__ import annotations

import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import (
    clean,
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
)
from reviewkit.registry import importers

_TAG = re.compile(r"^[A-Z][A-Z0-9]  -", re.M)
_TY = re.compile(r"^\s*TY  - ", re.M)


def _make_parser() -> Any:
    """A rispy parser that also records where each record starts and reports unclosed records."""
    import rispy  # type: ignore[import-untyped]

    class LineParser(rispy.RisParser):  # type: ignore[misc]
        """rispy's RisParser, keeping line numbers; TY/ER detection tolerant of leading space."""

        def __init__(self) -> None:
            mapping = dict(rispy.TAG_KEY_MAPPING)
            mapping["VO"] = "volume_alt"
            super().__init__(mapping=mapping, enforce_list_tags=True)

        def parse_numbered(
            self, lines: list[str], failures: list[tuple[int, str, int]]
        ) -> list[tuple[dict[str, Any], int, int]]:
            """Parse `lines` into (entry, start line, record number); bad records go to `failures`."""
            out: list[tuple[dict[str, Any], int, int]] = []
            record: dict[str, Any] | None = None
            start = 0
            last_tag: str | None = None
            count = 0
            add_tag = self._add_tag
            mapping = self.mapping
            list_tags = frozenset(self.list_tags)
            special = frozenset(self.delimiter_map) | frozenset(self.ignore)
            for no, line in enumerate(lines, 1):
                if record is None:
                    stripped = line.lstrip()
                    if stripped.startswith("TY  -"):
                        count += 1
                        record = {"type_of_reference": stripped[6:].strip()}
                        start = no
                        last_tag = None
                    elif stripped and _TAG.match(stripped) and not stripped.startswith("ER  -"):
                        count += 1
                        failures.append((no, "RIS record does not start with 'TY  -'", count))
                        record = {}
                        start = -no  # swallow the stray record up to its ER
                    continue
                # rispy's RisParser.parse_line, inlined: this loop runs once per line of the file.
                if line[2:5] == "  -" and line[:2].isupper() and line[:1].isalpha():
                    tag = line[:2]
                    content = line[6:].strip()
                else:
                    content = line.strip()
                    if content and last_tag is not None:
                        add_tag(record, last_tag, content, extend_multiline=True)
                    continue
                if tag == "ER":
                    if start > 0:
                        out.append((record, start, count))
                    record = None
                    continue
                if tag == "TY" and start > 0:
                    failures.append(
                        (
                            start,
                            f"RIS record not closed with 'ER  -' before the next 'TY  -' at line {no}",
                            count,
                        )
                    )
                    count += 1
                    record = {"type_of_reference": content}
                    start = no
                    last_tag = None
                    continue
                last_tag = tag
                # The common cases of rispy's RisParser._add_tag (enforce_list_tags=True), inlined.
                name = mapping.get(tag)
                if name is None or tag in special:
                    add_tag(record, tag, content)
                elif tag in list_tags:
                    values = record.get(name)
                    if values is None:
                        record[name] = [content]
                    else:
                        values.append(content)
                elif name not in record:
                    record[name] = content
            if record is not None and start > 0:
                failures.append((start, "RIS record not closed with 'ER  -' before end of file", count))
            return out

    return LineParser()


def _first(value: Any) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, list):
        return str(value[0]).strip() if value else ""
    return clean(value)


def _jsonable(entry: dict[str, Any]) -> dict[str, Any]:
    unknown = entry.get("unknown_tag")
    if unknown is not None:
        entry["unknown_tag"] = dict(unknown)
    return entry


def entry_to_fields(e: dict[str, Any]) -> dict[str, Any]:
    """Map one rispy entry (rispy's field names) to Record keyword arguments.

    This runs once per record of possibly huge files, so it avoids needless calls.
    """
    get = e.get
    authors = get("authors") or get("first_authors") or ()
    title = get("title") or get("primary_title") or get("short_title") or ""
    journal = (
        get("journal_name")
        or get("secondary_title")
        or get("alternate_title3")
        or get("alternate_title2")
        or get("alternate_title1")
        or ""
    )
    abstract = get("abstract") or get("notes_abstract") or ""
    urls = get("urls")
    year = get("year") or get("publication_year") or get("date") or ""
    start, end = get("start_page", ""), get("end_page", "")
    doi = get("doi")
    fields: dict[str, Any] = {
        "title": _first(title),
        "abstract": _first(abstract),
        "authors": tuple(authors),
        "year": int(year) if year.__class__ is str and len(year) == 4 and year.isdigit() else norm_year(year),
        "journal": _first(journal),
        "volume": _first(get("volume") or get("volume_alt") or ""),
        "issue": _first(get("number", "")),
        "pages": f"{start}-{end}"
        if start and end and start.isdigit() and end.isdigit()
        else norm_pages(start, end),
        "doi": norm_doi(doi) if doi else "",
        "keywords": tuple(get("keywords", ())),
        "type": norm_type(get("type_of_reference")),
        "url": urls[0] if urls else "",
        "key": _first(get("id") or get("accession_number") or ""),
        "raw": _jsonable(e),
    }
    lang = get("language")
    if lang:
        fields["language"] = norm_language(lang)
    if get("translated_title"):
        fields["title_alt"] = _first(get("translated_title"))
    if get("translated_author"):
        fields["authors_alt"] = tuple(
            a.strip() for a in _first(get("translated_author")).split(";") if a.strip()
        )
    return fields


@importers.register("ris.v1")
class RisImporter(Importer):
    """RIS (``TY  - `` ... ``ER  -``), the format of Zotero, EndNote, Rayyan, IEEE and most databases."""

    name = "ris"
    suffixes = ("ris", "txt")

    def sniff(self, head: str) -> int:
        """Sure when a line starts with ``TY  - `` and other two-letter tags follow."""
        if _TY.search(head) and len(_TAG.findall(head, 0, 20000)) >= 2:
            return 95
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse RIS text with rispy, keeping each record's first line."""
        failures: list[tuple[int, str, int]] = []
        entries = _make_parser().parse_numbered(text.split("\n"), failures)
        add = ctx.add
        pending = sorted(failures, key=lambda f: f[2])
        for entry, line, number in entries:
            while pending and pending[0][2] < number:
                ctx.fail(*pending.pop(0))
            add(entry_to_fields(entry), line, number)
        for failure in pending:
            ctx.fail(*failure)

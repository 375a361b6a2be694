"""Provides the EndNote tagged / refer importer (%0 %A %T %J ...), including CNKI's and AIS's variants."""

from __future__ import annotations

import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import (
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
    split_list,
)
from reviewkit.registry import importers

_TAG = re.compile(r"^%(?P<tag>[0-9A-Za-z@+!#$&()*^|~?<>\[\]]) ?(?P<value>.*)$")
_PARAGRAPH_TAGS = frozenset("X")


class _Refer:
    """One refer record: tag -> list of values (each a list of physical lines)."""

    __slots__ = ("fields", "line", "number")

    def __init__(self, line: int, number: int) -> None:
        self.line = line
        self.number = number
        self.fields: dict[str, list[list[str]]] = {}

    def get(self, tag: str) -> str:
        """First value of `tag` with its continuation lines ("" if absent)."""
        values = self.fields.get(tag)
        if not values:
            return ""
        sep = "\n" if tag in _PARAGRAPH_TAGS else " "
        return sep.join(v.strip() for v in values[0] if v.strip())

    def all(self, tag: str) -> list[str]:
        """Every value of `tag`, each joined with its continuation lines."""
        return [" ".join(v.strip() for v in value if v.strip()) for value in self.fields.get(tag, [])]

    def raw(self) -> dict[str, str | list[str]]:
        """JSON-ready copy keyed by "%T", "%A"...; lists for repeated tags."""
        out: dict[str, str | list[str]] = {}
        for tag, values in self.fields.items():
            joined = ["\n".join(v) for v in values]
            out["%" + tag] = joined[0] if len(joined) == 1 else joined
        return out


def _new_after_blank(tag: str, current: _Refer) -> bool:
    """After blank lines: a new record, unless `current` began with ``%0`` and `tag` is not a second title."""
    return "0" not in current.fields or (tag == "T" and "T" in current.fields)


def split_refer(lines: list[str]) -> tuple[list[_Refer], list[tuple[int, str]]]:
    """Split refer lines into records.

    A record starts at a second ``%0`` line, or at the first tag line after blank line(s) when the
    record has no ``%0`` (plain refer) or the tag is a second ``%T`` (AIS puts ``%T`` before ``%0``). Untagged lines (CNKI's TAB-indented paragraphs, even after blank
    lines) continue the last field, and so does a tag line after blank lines inside a record that
    began with ``%0``: CNKI writes a thesis abstract as paragraphs separated by blank lines and then
    the record's last tags (``%P``, ``%W CNKI``) after one more blank line.

    Returns:
        (records, problems) where problems are (line, message) for text found outside any record.
    """
    records: list[_Refer] = []
    problems: list[tuple[int, str]] = []
    current: _Refer | None = None
    last: list[str] | None = None
    after_blank = False
    for no, line in enumerate(lines, 1):
        if not line.strip():
            after_blank = True
            continue
        m = _TAG.match(line)
        if m is None:
            if last is not None:
                last.append(line)
                after_blank = False
            else:
                problems.append(
                    (no, f"line {no} is not an EndNote tag line (%0, %A, %T ...): {line.strip()[:40]!r}")
                )
            continue
        tag = m.group("tag")
        if tag == "0" and current is not None and list(current.fields) == ["0"]:
            current.fields["0"] = []  # "%0 Serial" then "%0 Audio": the second type wins, one record
        elif current is None or (tag == "0" and "0" in current.fields) or (after_blank and _new_after_blank(tag, current)):
            current = _Refer(no, len(records) + 1)
            records.append(current)
        after_blank = False
        last = [m.group("value")]
        current.fields.setdefault(tag, []).append(last)
    return records, problems


def refer_fields(rec: _Refer) -> dict[str, Any]:
    """Map one refer record to Record keyword arguments."""
    authors: list[str] = []
    for value in rec.all("A"):
        authors.extend(split_list(value, ";；"))
    keywords: list[str] = []
    for lines in rec.fields.get("K", []):
        for ln in lines:
            keywords.extend(split_list(ln, ";；"))
    kind = rec.get("0") or ("Thesis" if rec.get("9") in ("博士", "硕士") else "")
    fields: dict[str, Any] = {
        "title": rec.get("T"),
        "abstract": rec.get("X"),
        "authors": tuple(authors),
        "year": norm_year(rec.get("D") or rec.get("8")),
        "journal": rec.get("J") or rec.get("B"),
        "volume": rec.get("V"),
        "issue": rec.get("N"),
        "pages": norm_pages(rec.get("P")),
        "doi": norm_doi(rec.get("R")),
        "keywords": tuple(dict.fromkeys(keywords)),
        "language": norm_language(rec.get("G")),
        "type": norm_type(kind) or ("journal-article" if rec.get("J") else "other"),
        "url": rec.get("U"),
        "key": rec.get("M") or rec.get("F"),
        "raw": rec.raw(),
    }
    if rec.get("Q"):
        fields["title_alt"] = rec.get("Q")
    if rec.get("H"):
        fields["authors_alt"] = tuple(a for v in rec.all("H") for a in split_list(v, ";；"))
    return fields


@importers.register("endnote.v1")
class EndnoteImporter(Importer):
    """EndNote tagged / refer export (``%0 Journal Article``, ``%A``, ``%T`` ...), as CNKI exports it."""

    name = "endnote"
    suffixes = ("enw", "txt")

    def sniff(self, head: str) -> int:
        """Sure when the first tag lines are refer tags (%0, %T, %A ...)."""
        tags = re.findall(r"^%[0-9A-Z@+] ", head[:20000], re.M)
        if len(tags) >= 2 and re.search(r"^%[0TA] ", head, re.M):
            first = head.lstrip()[:1]
            return 93 if first == "%" else 60
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse refer records separated by blank lines or ``%0`` lines."""
        records, problems = split_refer(text.split("\n"))
        ctx.add_in_order(records, problems, refer_fields)

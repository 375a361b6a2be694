"""Provides the importers of two Chinese databases' own text exports: CNKI E-Study (``DataType: 1`` /
``Title-题名: ...``) and CSSCI (``【来源篇名】...`` records between dashed lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import norm_doi, norm_pages, norm_type, norm_year, split_list
from reviewkit.registry import importers


@dataclass
class _Fields:
    """One record: key -> values (each the text of one field with its continuation lines)."""

    line: int
    number: int
    fields: dict[str, list[str]] = field(default_factory=dict)

    def get(self, *keys: str) -> str:
        """The first non-empty value among `keys` ("" if none)."""
        for key in keys:
            for value in self.fields.get(key, []):
                if value.strip():
                    return value.strip()
        return ""

    def raw(self) -> dict[str, str | list[str]]:
        """JSON-ready copy: key -> value, or a list for repeated keys."""
        return {k: v[0] if len(v) == 1 else list(v) for k, v in self.fields.items()}


def _split(
    lines: list[str], tag: re.Pattern[str], starts: frozenset[str], separator: re.Pattern[str] | None
) -> tuple[list[_Fields], list[tuple[int, str]]]:
    """Group `tag` lines into records that begin at a key in `starts` (or after a `separator` line).

    A line that is no tag line continues the last field; outside a record it is reported.
    """
    records: list[_Fields] = []
    problems: list[tuple[int, str]] = []
    current: _Fields | None = None
    last: list[str] | None = None
    for no, line in enumerate(lines, 1):
        if separator is not None and separator.match(line):
            current, last = None, None
            continue
        m = tag.match(line)
        if m is None:
            if current is not None and last is not None and line.strip():
                last[-1] += "\n" + line.strip()
            elif line.strip():
                problems.append((no, f"line {no} is outside any record: {line.strip()[:40]!r}"))
            continue
        key = re.sub(r"\s+", "", m.group("key") or m.group("key2"))
        if current is None or (key in starts and current.fields):
            current = _Fields(no, len(records) + 1)
            records.append(current)
        last = current.fields.setdefault(key, [])
        last.append(m.group("value").strip())
    return records, problems


# --- CNKI E-Study ----------------------------------------------------------------------------------

# "Title-题名: ..." (English key, a dash, the Chinese label); only DataType has no label.
_ESTUDY_TAG = re.compile(r"^(?:(?P<key>[A-Za-z]+)-[^:：\s]{1,12}|(?P<key2>DataType))[:：] ?(?P<value>.*)$")
_FILENAME = re.compile(r"[?&]filename=([^&#\s]+)", re.I)


def estudy_fields(rec: _Fields) -> dict[str, Any]:
    """Map one CNKI E-Study record to Record keyword arguments."""
    link = rec.get("Link", "URL")
    key = _FILENAME.search(link)
    source_db = rec.get("SrcDatabase")
    kind = norm_type(source_db) if source_db else ""
    abstract = rec.get("Summary", "Abstract")
    return {
        "title": rec.get("Title"),
        "abstract": abstract,
        "authors": split_list(rec.get("Author"), ";；,，"),
        "year": norm_year(rec.get("Year") or rec.get("PubTime")),
        "journal": rec.get("Source"),
        "volume": rec.get("Roll", "Volume"),
        "issue": rec.get("Period", "Issue"),
        "pages": norm_pages(rec.get("Page")),
        "doi": norm_doi(rec.get("DOI")),
        "keywords": tuple(dict.fromkeys(split_list(rec.get("Keyword"), ";；"))),
        "type": "journal-article" if kind in ("", "other") and rec.get("Source") else kind,
        "url": link,
        "key": key.group(1) if key else "",
        "raw": rec.raw(),
    }


@importers.register("estudy.v1")
class EstudyImporter(Importer):
    """CNKI's E-Study export (CNKI's own "DataType: 1" text: ``Title-题名:``, ``Summary-摘要:`` ...)."""

    name = "estudy"
    suffixes = ("txt",)

    def sniff(self, head: str) -> int:
        """Sure on a ``DataType:`` line followed by ``Title-题名:``-style lines."""
        if re.search(r"^DataType\s*[:：]", head, re.M) and re.search(r"^Title-[^:：\n]*[:：]", head, re.M):
            return 95
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse records that begin at ``DataType:`` lines."""
        records, problems = _split(text.split("\n"), _ESTUDY_TAG, frozenset({"DataType"}), None)
        ctx.add_in_order(records, problems, estudy_fields)


# --- CSSCI -----------------------------------------------------------------------------------------

_CSSCI_TAG = re.compile(r"^【(?P<key>[^】]{1,20})】(?P<key2>)(?P<value>.*)$")
_CSSCI_SEPARATOR = re.compile(r"^-{10,}\s*$")
_CSSCI_ISSUE = re.compile(r"^(?P<year>\d{4})\s*[,，]\s*(?P<volume>[^(（:：]*)(?:[(（](?P<issue>[^)）]*)[)）])?\s*(?:[:：](?P<pages>.*))?$")


def cssci_fields(rec: _Fields) -> dict[str, Any]:
    """Map one CSSCI record to Record keyword arguments (CSSCI exports no abstracts)."""
    m = _CSSCI_ISSUE.match(rec.get("年代卷期"))
    fields: dict[str, Any] = {
        "title": rec.get("来源篇名"),
        "authors": split_list(rec.get("来源作者"), "/;；"),
        "year": norm_year(m.group("year") if m else rec.get("年代卷期")),
        "journal": rec.get("期刊"),
        "volume": (m.group("volume") or "").strip() if m else "",
        "issue": (m.group("issue") or "").strip() if m else "",
        "pages": norm_pages((m.group("pages") or "").strip()) if m else "",
        "keywords": tuple(dict.fromkeys(split_list(rec.get("关键词"), "/;；"))),
        "type": "journal-article",
        "raw": rec.raw(),
    }
    if rec.get("英文篇名"):
        fields["title_alt"] = rec.get("英文篇名")
    return fields


@importers.register("cssci.v1")
class CssciImporter(Importer):
    """CSSCI's text export (``【来源篇名】``, ``【来源作者】`` ... records between dashed lines)."""

    name = "cssci"
    suffixes = ("txt",)

    def sniff(self, head: str) -> int:
        """Sure on ``【来源篇名】`` lines (with the CSSCI banner or ``【来源作者】`` lines)."""
        if re.search(r"^【来源篇名】", head, re.M) and ("CSSCI" in head[:2000] or "【来源作者】" in head):
            return 95
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse records that begin at ``【来源篇名】`` and end at a dashed line; the banner is skipped."""
        start = re.search(r"^【", text, re.M)
        skipped = text[: start.start()].count("\n") if start else 0
        lines = text.split("\n")
        records, problems = _split(lines[skipped:], _CSSCI_TAG, frozenset({"来源篇名"}), _CSSCI_SEPARATOR)
        for rec in records:
            rec.line += skipped
        ctx.add_in_order(records, [(line + skipped, why) for line, why in problems], cssci_fields)

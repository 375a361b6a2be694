"""Provides the CSV/TSV importer: Scopus, Embase, ASReview, WoS tab-delimited and any table of records."""

from __future__ import annotations

import ast
import csv
import io
import re
import sys
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.columns import NOT_JOURNALS, TITLE_LIKE, insertion_point, map_columns, norm_header
from reviewkit.importers.normalise import (
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
    split_list,
)
from reviewkit.registry import importers

_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)\s*(?P<volume>[^:\s(]+)?(?::(?P<issue>[^\s(]+))?\s*(?:\((?P<pages>[^)]*)\))?"
)


_PREAMBLE = re.compile(r'^\W{0,2}(about the data|exported on|dimensions)\b', re.I)


def _header_line(text: str) -> tuple[int, str]:
    """(lines to skip, header line): Dimensions exports start with an "About the data: ..." note."""
    lines = text.split("\n", 2)
    if len(lines) > 1 and _PREAMBLE.match(lines[0]):
        return 1, lines[1]
    return 0, lines[0]


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("\t", ",", ";")}
    if counts["\t"] and counts["\t"] >= counts[","]:
        return "\t"
    if counts[";"] > counts[","]:
        return ";"
    return ","


def _listish(value: str) -> list[str] | None:
    """Parse a Python/JSON list written into a cell ("['Marx, Karl', 'Lindgren, Astrid']")."""
    v = value.strip()
    if len(v) >= 2 and v[0] == "[" and v[-1] == "]":
        try:
            parsed = ast.literal_eval(v)
        except (ValueError, SyntaxError):
            return None
        if isinstance(parsed, list):
            return [str(x).strip() for x in parsed if str(x).strip()]
    return None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PUBMED_NAME = re.compile(r"^\S.* [A-Z]{1,4}\.$")


def split_authors(value: str) -> tuple[str, ...]:
    """Split an author cell: list strings, "A; B", "Smith J.A., Doe K.", "Zolfaghari, S., Francis, K.E."."""
    listed = _listish(value)
    if listed is not None:
        return tuple(listed)
    v = value.strip()
    if not v or v.startswith("[No author"):
        return ()
    if ";" in v or "；" in v:
        return split_list(v, ";；")
    if "|" in v:  # OpenAlex: "Ada Lovelace|Charles Babbage"
        return split_list(v, "|")
    if re.search(r"\.,\s", v):
        return tuple(p.strip() for p in re.split(r"(?<=\.),\s*", v) if p.strip())
    if " and " in v:
        return tuple(p.strip() for p in v.split(" and ") if p.strip())
    parts = [p.strip() for p in re.split(r"[,，、]", v) if p.strip()]
    if len(parts) == 2 and " " not in parts[0] and not _CJK.search(v):
        return (v,)  # "Smith, John" / "Porter, Michael E.": one author written family-first
    if len(parts) > 1 and _PUBMED_NAME.match(parts[-1]) and all(_PUBMED_NAME.match(p + ".") for p in parts[:-1]):
        parts[-1] = parts[-1][:-1]  # PubMed's CSV ends its list with a full stop: "Lim SM, Lau Y."
    return tuple(parts)


def _split_top_commas(value: str) -> list[str]:
    """Split on commas outside parentheses ("a, b (c, d), e" -> a | b (c, d) | e)."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in value:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in ",，" and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def _keywords(*values: str) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        listed = _listish(value)
        if listed is not None:
            out.extend(listed)
        elif ";" in value or "；" in value:
            out.extend(split_list(value, ";；"))
        else:
            out.extend(_split_top_commas(value))
    return tuple(dict.fromkeys(out))


# Springer Link's CSV runs the names together: "Araz R. AlievNigar T. Ismayilova".
# The next name may start with an initial: "R. Yam-UicabJ. L. Lopez-Martinez".
_SPRINGER_JOIN = re.compile(
    r"(?<=[a-z\u00df-\u00ff])(?<!\bMc)(?<!\bMac)(?<!\bDe)(?<!\bDi)(?<!\bLa)(?<!\bLe)"
    r"(?=[A-Z\u00c0-\u00de](?:[a-z\u00df-\u00ff]|\.))"
)


def cols_named(header: list[str]) -> frozenset[str]:
    """The normalised header names of a table."""
    return frozenset(norm_header(h) for h in header)


def _springer_authors(value: str) -> tuple[str, ...]:
    """Split Springer's run-together author names at a lower-case letter followed by a capital."""
    if ";" in value or "|" in value:
        return split_authors(value)
    return tuple(p.strip() for p in _SPRINGER_JOIN.split(value.strip()) if p.strip())


def row_fields(row: list[str], header: list[str], cols: dict[str, int]) -> dict[str, Any]:
    """Map one data row (already aligned to the header) to Record keyword arguments."""

    def get(name: str) -> str:
        i = cols.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    journal = get("journal")
    year, volume, issue, pages = get("year"), get("volume"), get("issue"), get("pages")
    if journal.lower() in NOT_JOURNALS:
        journal = ""
    m = _EMBASE_SOURCE.match(journal) if journal and not (volume or issue) else None
    if m:  # Embase "Source": "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication ..."
        journal, year = m.group("journal"), year or m.group("year")
        volume, issue, pages = (
            m.group("volume") or "",
            m.group("issue") or "",
            pages or m.group("pages") or "",
        )
    fields: dict[str, Any] = {
        "title": get("title"),
        "abstract": get("abstract"),
        "authors": _springer_authors(get("authors")) if "item title" in cols_named(header) else split_authors(get("authors")),
        "year": norm_year(year),
        "journal": journal,
        "volume": volume,
        "issue": issue,
        "pages": norm_pages(pages) or norm_pages(get("page_start"), get("page_end")) or get("article_number"),
        "doi": norm_doi(get("doi")),
        "keywords": _keywords(get("keywords"), get("keywords_extra")),
        "language": norm_language(get("language")),
        "type": norm_type(get("type")),
        "url": get("url"),
        "key": get("key"),
        "raw": {h: row[i] for i, h in enumerate(header) if i < len(row) and row[i] != ""},
    }
    for alt in ("title_alt", "abstract_alt", "journal_alt"):
        if get(alt):
            fields[alt] = get(alt)
    if get("authors_alt"):
        fields["authors_alt"] = split_authors(get("authors_alt"))
    return fields


@importers.register("csv.v1")
class CsvImporter(Importer):
    """CSV or TSV with a header row (Scopus, Embase, ASReview, WoS tab-delimited, spreadsheets)."""

    name = "csv"
    suffixes = ("csv", "tsv", "tab", "txt")

    def sniff(self, head: str) -> int:
        """Sure when the first line (or the one after a Dimensions note) is a header with a title-like column."""
        first = _header_line(head.lstrip("\n"))[1]
        delim = _delimiter(first)
        if delim not in first:
            return 0
        try:
            cells = next(csv.reader([first], delimiter=delim))
        except (csv.Error, StopIteration):
            return 0
        names = {norm_header(c) for c in cells}
        return 90 if names & TITLE_LIKE else 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse the table; rows are mapped by header, ragged rows re-aligned."""
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        lead = len(text) - len(text.lstrip("\n"))
        skip, _ = _header_line(text[lead:])
        lead += skip
        body = "\n".join(text.split("\n")[lead:])
        delim = _delimiter(body.split("\n", 1)[0])
        reader = csv.reader(io.StringIO(body), delimiter=delim, strict=True)
        try:
            header = next(reader)
        except (csv.Error, StopIteration) as exc:
            ctx.fail(lead + 1, f"cannot read the header row: {exc}", None)
            return
        cols = map_columns(header)
        if "title" not in cols and "abstract" not in cols:
            ctx.fail(
                lead + 1,
                "no title or abstract column in the header; found: " + ", ".join(h for h in header[:30] if h),
                None,
            )
            return
        number = 0
        prev = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                number += 1
                line = lead + prev + 1
                ctx.fail(line, f"bad CSV row: {exc}", number)
                break
            line = lead + prev + 1
            prev = reader.line_num
            if not any(c.strip() for c in row):
                continue
            number += 1
            if len(row) > len(header):
                p = insertion_point(header, row)
                row = row[:p] + row[p + len(row) - len(header) :]
            ctx.add(row_fields(row, header, cols), line, number)

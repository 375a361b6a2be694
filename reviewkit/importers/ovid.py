"""Provides the Ovid importer: MEDLINE, Embase, PsycINFO ... exported from Ovid.

Ovid writes two text layouts, both with a ``<N>`` (or ``<N. >``) line before each record:

- **tagged** (the "Citavi", "EndNote" and "Reprint/Medlars" export formats): ``VN  - Ovid
  Technologies``, ``DB  - Embase``, ``TI  - ...`` lines; a field's further lines are indented, or
  start at the margin (the EndNote set writes an abstract's paragraphs that way);
- **labelled** (the "Ovid" citation format): a field name on its own line (``Title``,
  ``Author``, ``Source``, ``Abstract`` ...) with its value indented below.

Ovid's journal, volume, issue and pages often exist only inside ``Source`` ("Ecohydrology. 8(6):
1048-1064, September 2015."): they are read from it where no field of their own gives them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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

_HEADER = re.compile(r"^<\s*(\d+)\s*\.?\s*>\s*$")
_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,3})\s{0,3}-(?: (?P<value>.*)|\s*$)")
_LABEL = re.compile(r"^[A-Z][A-Za-z0-9/()&,' -]{1,70}$")
_SNIFF_HEADER = re.compile(r"^ ?<\s*\d+\s*\.?\s*>\s*$", re.M)
_DOC_TYPE = re.compile(
    r"(?<=[.?!])\s*\[(?:Article|Review|Editorial|Letter|Note|Erratum|Comment|Conference Paper|"
    r"Short Survey|Book Chapter|Book|Chapter|Report)\]\s*$"
)
# volume(issue):pages in a Source line: "8(6):1048-1064" (MEDLINE, PsycINFO), "41 (7) (pp 901-915)" and
# "12 (Supplement 3) (no pagination)" (Embase), "28:103-106".
_PAGES = r"[A-Za-z]?\d+(?:\s*-\s*[A-Za-z]?\d+)?"
_SOURCE_NUMBERS = re.compile(
    r"(?<![\w-])(?P<volume>\d+)\s*(?:\((?P<issue>[^)]{1,30})\))?\s*"
    rf"(?::\s*(?P<pages>{_PAGES})|\(pp\.?\s*(?P<pp>{_PAGES})\)|\(no pagination\))"
)
# "Very Long Title. Vol 28(2) April 2015, 103-106."
_SOURCE_VOL = re.compile(r"\bVol\.?\s*(?P<volume>\d+)\s*(?:\((?P<issue>[^)]{1,30})\))?(?P<pages>)")

# Labels of the labelled layout -> the tag the tagged layout uses for the same field.
LABELS = {
    "title": "TI",
    "chapter title": "CT",
    "book title": "BT",
    "abstract": "AB",
    "author": "AU",
    "authors": "AU",
    "author name": "AU",
    "authors full name": "FA",
    "source": "SO",
    "journal name": "JN",
    "volume": "VO",
    "issue": "IP",
    "issue/part": "IP",
    "page": "PG",
    "pages": "PG",
    "year of publication": "YR",
    "publication year": "YR",
    "year": "YR",
    "date of publication": "DP",
    "digital object identifier": "DO",
    "doi": "DO",
    "doi number": "DO",
    "keywords": "KW",
    "author keywords": "KW",
    "keyword heading": "KW",
    "mesh subject headings": "MH",
    "subject headings": "MH",
    "emtree heading": "MH",
    "language": "LG",
    "publication type": "PT",
    "accession number": "AN",
    "unique identifier": "UI",
    "issn": "IS",
    "url": "UR",
    "database": "DB",
}
_ISSUE_TAGS = ("IP", "NO")


@dataclass
class OvidRecord:
    """One Ovid record: tag -> values (each value's lines joined by a space), in file order."""

    line: int
    number: int
    label: str
    """The record's number as the file writes it (``<3001. >`` -> "3001")."""
    fields: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, list[str]] = field(default_factory=dict)

    def first(self, *tags: str) -> str:
        """The first value of the first tag present ("" if none)."""
        for tag in tags:
            for value in self.fields.get(tag, ()):
                if value:
                    return value
        return ""

    def every(self, *tags: str) -> list[str]:
        """Every value of the tags, in the order given."""
        return [v for tag in tags for v in self.fields.get(tag, ()) if v]

    def put(self, tag: str, name: str, lines: list[str]) -> None:
        """Store one value of `tag` (`name` as the file spells it, for the raw copy)."""
        lines = [ln for ln in lines if ln]
        self.fields.setdefault(tag, []).append(" ".join(lines))
        self.raw.setdefault(name, []).append("\n".join(lines))


def _is_tagged(text: str) -> bool:
    head = text[:20000]
    return _VN.search(head) is not None or len(_TAGGED_SIGN.findall(head)) >= 3


# Also "VN - Ovid" (one space) and the whole export indented by one space, as two inputs of Zotero's
# Ovid tests have them.
_VN = re.compile(r"^ ?VN {1,2}- Ovid", re.M)
_TAGGED_SIGN = re.compile(r"^ ?(?:TI|AU|SO|AB|UI|DB) {1,2}- ", re.M)


def _dedent(text: str) -> str:
    """The export without the one space that indents every line of some copies (`` <7. >``)."""
    if not text.lstrip("\n").startswith(" <"):
        return text
    return "\n".join(ln[1:] if ln.startswith(" ") else ln for ln in text.split("\n"))


def _records(text: str, ctx: ParseContext) -> list[OvidRecord]:
    """Split the text at ``<N>`` lines and read each record's fields in the file's layout."""
    text = _dedent(text)
    tagged = _is_tagged(text)
    records: list[OvidRecord] = []
    current: OvidRecord | None = None
    tag, name, lines = "", "", list[str]()

    def finish() -> None:
        if current is not None and tag:
            current.put(tag, name, lines)

    for no, line in enumerate(text.split("\n"), 1):
        if header := _HEADER.match(line):
            finish()
            tag = ""
            current = OvidRecord(no, len(records) + 1, header.group(1))
            records.append(current)
        elif not line.strip():
            continue
        elif current is None:
            ctx.warn(no, f"text before the first record (no <1> line above it) left out: {line.strip()[:40]!r}")
        elif tagged and (m := _TAG.match(line)):
            finish()
            tag = name = m.group("tag")
            lines = [(m.group("value") or "").strip()]
        elif not tagged and not line[:1].isspace() and _LABEL.match(line.strip()):
            finish()
            name = line.strip()
            tag, lines = LABELS.get(name.lower(), name), []
        elif tag:
            lines.append(line.strip())
        else:
            ctx.warn(no, f"line {no} is neither a field nor a field's continuation; left out: {line.strip()[:40]!r}")
    finish()
    return records


def _source_parts(source: str) -> dict[str, str]:
    """Journal, volume, issue and pages read from an Ovid ``Source`` line (what it states only)."""
    out: dict[str, str] = {}
    head = re.split(r"\.\s", source, maxsplit=1)[0].strip()
    if head and not head[0].isdigit():
        out["journal"] = head.rstrip(".")
    m = _SOURCE_NUMBERS.search(source, len(head)) or _SOURCE_VOL.search(source, len(head))
    if m:
        out["volume"] = m.group("volume")
        if m.group("issue") and m.group("issue").lower() != "no pagination":
            out["issue"] = m.group("issue").strip()
        if pages := m.group("pages") or m.groupdict().get("pp"):
            out["pages"] = norm_pages(re.sub(r"\s+", "", pages))
    return out


def _names(value: str) -> list[str]:
    """Names of one author value: "A, B; C, D", or the old "Smith J  Jones K" (two spaces apart)."""
    sep = ";" if ";" in value else "  "
    # The labelled layout numbers authors by their institution: "Kohler, Lars 1".
    return [re.sub(r"\s+\d+(?:,\d+)*$", "", n).strip() for n in value.split(sep) if n.strip()]


def _authors(rec: OvidRecord) -> tuple[str, ...]:
    """Authors; an edited book's editors ("Max [Ed]") stand in when nobody else is named."""
    names = [n for value in (rec.every("FA") or rec.every("AU")) for n in _names(value)]
    authors = [n for n in names if not n.endswith("[Ed]")]
    chosen = authors or [n.removesuffix("[Ed]").strip() for n in names]
    return tuple(dict.fromkeys(n for n in chosen if n))


def _keywords(rec: OvidRecord) -> tuple[str, ...]:
    words = [w.lstrip("*").strip() for value in rec.every("KW", "MH") for w in split_list(value, ";")]
    return tuple(dict.fromkeys(w.rstrip(".") for w in words if w))


def ovid_fields(rec: OvidRecord) -> dict[str, Any]:
    """Map one Ovid record to Record keyword arguments."""
    source = rec.first("SO")
    parts = _source_parts(source) if source else {}
    chapter = rec.first("CT")
    title = chapter or rec.first("TI")
    container = (rec.first("TI") if chapter else "") or rec.first("BT")
    kinds = rec.every("PT")
    fields: dict[str, Any] = {
        "title": _DOC_TYPE.sub("", title).strip(),
        "abstract": rec.first("AB"),
        "authors": _authors(rec),
        "year": norm_year(rec.first("YR", "DP", "PY") or source),
        "journal": rec.first("JN", "JT", "JA") or container or parts.get("journal", ""),
        "volume": rec.first("VO", "VI") or parts.get("volume", ""),
        "issue": rec.first(*_ISSUE_TAGS) or parts.get("issue", ""),
        "pages": norm_pages(rec.first("PG")) or parts.get("pages", ""),
        "doi": next((d for d in map(norm_doi, rec.every("DO", "DI")) if d), ""),
        "keywords": _keywords(rec),
        "language": norm_language(rec.first("LG", "LA")),
        "type": (norm_type(kinds[0]) if kinds else "") or "journal-article",
        "url": rec.first("UR"),
        "key": rec.first("UI", "AN"),
        "raw": {k: v[0] if len(v) == 1 else v for k, v in rec.raw.items()},
    }
    return fields


@importers.register("ovid.v1")
class OvidImporter(Importer):
    """Ovid exports (MEDLINE, Embase, PsycINFO ... on Ovid): tagged fields or labelled citations."""

    name = "ovid"
    suffixes = ("cgi", "ovd", "txt")

    def sniff(self, head: str) -> int:
        """Sure on ``<N>`` record lines with Ovid's tagged fields or its field labels."""
        if not _SNIFF_HEADER.search(head):
            return 0
        if _is_tagged(head):
            return 96
        labels = re.findall(r"^([A-Z][A-Za-z /()]+?)\s*\n[ \t]+\S", head, re.M)
        known = {name.lower() for name in labels} & LABELS.keys()
        return 90 if len(known) >= 2 else 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse every ``<N>`` record (one with neither title nor abstract is reported as bad)."""
        for rec in _records(text, ctx):
            ctx.add(ovid_fields(rec), rec.line, rec.number)

"""Provides the Web of Science plain-text (tagged) importer: FN/VR header, PT ... ER records."""

from __future__ import annotations

import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import norm_doi, norm_language, norm_pages, norm_year, split_list
from reviewkit.importers.tagged import TaggedRecord, split_tagged
from reviewkit.registry import importers

_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])(?: ?(?P<value>.*))")  # metaknowledge has "AUGilles, H"
_PT_TYPES = {
    "J": "journal-article",
    "B": "book",
    "S": "journal-article",
    "P": "patent",
    "C": "conference-paper",
}


def _continuation(line: str) -> str | None:
    return line[3:] if line.startswith("   ") else None


_INDENTED = re.compile(r"^   \S", re.M)
# Web of Knowledge (BIOSIS) wrote the author's e-mail after the name: "Medvedeff, Cassandra A. (m@ufl.edu)".
_EMAIL = re.compile(r"\s*\([^()\s]+@[^()\s]+\)")


def _unindented(line: str) -> str | None:
    return line.strip() or None


def _type(rec: TaggedRecord) -> str:
    dt = rec.joined("DT").lower()
    if "proceedings" in dt or "meeting" in dt:
        return "conference-paper"
    if "book chapter" in dt:
        return "chapter"
    return _PT_TYPES.get(rec.joined("PT").upper(), "other")


def _keywords(rec: TaggedRecord) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in ("DE", "ID"):
        for kw in split_list(rec.joined(tag), ";"):
            seen.setdefault(kw.lower(), kw)
    return tuple(seen.values())


def wos_fields(rec: TaggedRecord) -> dict[str, Any]:
    """Map one WoS tagged record to Record keyword arguments."""
    authors = rec.lines_of("AF") or rec.lines_of("AU")
    if len(authors) == 1 and ";" in authors[0]:  # "AU a; b; c" on one line (MEDLINE-in-WoS exports)
        authors = authors[0].split(";")
    return {
        "title": rec.joined("TI"),
        "abstract": rec.joined("AB"),
        "authors": tuple(a for a in (_EMAIL.sub("", a).strip() for a in authors) if a),
        "year": norm_year(rec.joined("PY") or rec.joined("EY") or rec.joined("PD") or rec.joined("EA")),
        "journal": rec.joined("SO"),
        "volume": rec.joined("VL"),
        "issue": rec.joined("IS"),
        "pages": norm_pages(rec.joined("BP"), rec.joined("EP")) or rec.joined("AR") or norm_pages(rec.joined("PS")),
        "doi": norm_doi(rec.joined("DI")),
        "keywords": _keywords(rec),
        "language": norm_language(rec.joined("LA")),
        "type": _type(rec),
        "key": rec.joined("UT"),
        "raw": rec.raw(),
    }


@importers.register("wos.v1")
class WosImporter(Importer):
    """Web of Science "Plain text" / "Other reference software" export (tags FN VR PT AU TI ... ER EF)."""

    name = "wos"
    suffixes = ("txt", "isi")

    def sniff(self, head: str) -> int:
        """Sure on an ``FN`` header or ``PT J`` start followed by WoS tags."""
        start = head.lstrip()[:200]
        if re.match(r"FN (Clarivate|Thomson|ISI)", start) or re.match(r"FN .*\nVR \d", start):
            return 98
        if re.search(r"^PT [JBSPC]\s*$", head, re.M) and re.search(r"^(AU|TI|SO|UT) ", head, re.M):
            return 90
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse all PT ... ER records."""
        # A copy whose continuation lines lost their three-space indent (one of Zotero's test inputs,
        # pasted from a browser): when no line of the file is indented, an untagged line continues.
        indented = _INDENTED.search(text) is not None
        records = split_tagged(
            text.split("\n"),
            _TAG,
            frozenset({"PT"}),
            "ER",
            _continuation if indented else _unindented,
            outside=frozenset({"FN", "VR", "EF"}),
        )
        for rec in records:
            if rec.problems:
                _, why = rec.problems[0]
                ctx.fail(rec.line, why, rec.number)
                continue
            if not rec.closed:
                ctx.fail(
                    rec.line,
                    "WoS record not closed with 'ER' before end of file",
                    rec.number,
                )
                continue
            ctx.add(wos_fields(rec), rec.line, rec.number)

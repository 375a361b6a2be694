"""Provides the RefWorks tagged importer (RT/SR/A1/T1/JF/YR ..., as exported by CNKI and RefWorks)."""

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
from reviewkit.importers.tagged import TaggedRecord, split_tagged
from reviewkit.registry import importers

_TAGS = (
    "RT SR ID A1 A2 A3 A4 A5 A6 T1 T2 T3 JF JO YR FD VO IS SP OP K1 AB NO ED PB PP SN AV AD AN LA "
    "CL SF OT LK DO CN DB DS IP RD ST U1 U2 U3 U4 U5 UL SL LL CR WT WV ET"
).split()
# CNKI writes the volume tag in lower case ("vo 20").
_TAG = re.compile(r"^(?P<tag>" + "|".join(_TAGS) + r"|vo)(?: (?P<value>.*)|\s*$)")


def _continuation(line: str) -> str:
    return line.strip()


def _names(rec: TaggedRecord, tag: str) -> tuple[str, ...]:
    return split_list(rec.each(tag), ";；")


def _pages(rec: TaggedRecord) -> str:
    sp, op = rec.joined("SP"), rec.joined("OP")
    if sp and op and re.search(r"[-+,]", op):
        return norm_pages(op)
    if sp or op:
        return norm_pages(sp, op)
    return ""


def refworks_fields(rec: TaggedRecord) -> dict[str, Any]:
    """Map one RefWorks record to Record keyword arguments."""
    links = rec.each("LK") + rec.each("UL")
    fields: dict[str, Any] = {
        "title": rec.joined("T1"),
        "abstract": rec.joined("AB", "\n"),
        "authors": _names(rec, "A1"),
        "year": norm_year(rec.joined("YR") or rec.joined("FD")),
        "journal": rec.joined("JF") or rec.joined("JO") or rec.joined("T2"),
        "volume": rec.joined("VO") or rec.joined("vo"),
        "issue": rec.joined("IS"),
        "pages": _pages(rec),
        "doi": norm_doi(rec.joined("DO")),
        "keywords": split_list(rec.each("K1"), ";；"),
        "language": norm_language(rec.joined("LA")),
        "type": norm_type(rec.joined("RT")) or "other",
        "url": links[0] if links else "",
        "key": rec.joined("ID") or rec.joined("AN"),
        "raw": rec.raw(),
    }
    if rec.joined("OT"):
        fields["title_alt"] = rec.joined("OT")
    return fields


_FIRST_RECORD = re.compile(r"^RT \S")


def _without_header(lines: list[str]) -> list[str]:
    """The lines with RefWorks' own header blanked (line numbers kept): "Refworks Export Tagged Format",
    "Character Set=utf-8" and the "Tag legend" (``RT=Reference Type`` ...) before the first record."""
    if not lines or not lines[0].lstrip("\ufeff").lower().startswith("refworks export"):
        return lines
    first = next((i for i, ln in enumerate(lines) if _FIRST_RECORD.match(ln)), len(lines))
    return [""] * first + lines[first:]


@importers.register("refworks.v1")
class RefworksImporter(Importer):
    """RefWorks tagged format (``RT Journal Article``, ``A1``, ``T1`` ...), one of CNKI's exports."""

    name = "refworks"
    suffixes = ("txt",)

    def sniff(self, head: str) -> int:
        """Sure on an ``RT`` line followed by ``SR``/``A1``/``T1`` lines."""
        if re.search(r"^RT \S", head, re.M) and re.search(r"^(SR|A1|T1|JF|YR) ", head, re.M):
            return 94
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse blank-line separated RefWorks records."""
        records = split_tagged(_without_header(text.split("\n")), _TAG, frozenset({"RT"}), None, _continuation)
        for rec in records:
            if rec.problems:
                _, why = rec.problems[0]
                ctx.fail(rec.line, why, rec.number)
                continue
            ctx.add(refworks_fields(rec), rec.line, rec.number)

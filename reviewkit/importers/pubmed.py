"""Provides the PubMed MEDLINE / .nbib importer (PMID- ..., 6-space continuation lines; ERIC's variant)."""

from __future__ import annotations

import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import norm_doi, norm_language, norm_pages, norm_type, norm_year
from reviewkit.importers.tagged import TaggedRecord, split_tagged
from reviewkit.registry import importers

_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,3})\s{0,3}-(?: (?P<value>.*)|\s*$)")
_SNIFF_START = re.compile(r"^(PMID|OWN |PMC ) ?- \S", re.M)
# PubMed records start with PMID, ERIC's with OWN, PubMed Central's MEDLINE-format export with PMC.
_START_TAGS = frozenset({"PMID", "OWN", "PMC"})
# PubMed's placeholder in OAB when only the publisher has the abstract: no text to code.
_NO_ABSTRACT = re.compile(r"^(?:Publisher:\s*)?Abstract available from the publisher\.?$", re.I)
_SNIFF_TAGS = re.compile(r"^(TI  |AB  |FAU |AU  |DP  |PG  |JT  |TA  |STAT|LID )- ", re.M)


def _continuation(line: str) -> str | None:
    return line.strip() if line[:1] in (" ", "\t") else None


def _doi(rec: TaggedRecord) -> str:
    ids = rec.each("LID") + rec.each("AID")
    for value in ids:
        if value.endswith("[doi]"):
            return norm_doi(value)
    for value in ids:
        if "[pii]" not in value and (doi := norm_doi(value)):
            return doi
    return ""


def _type(rec: TaggedRecord) -> str:
    kinds = rec.each("PT")
    if any("journal article" in k.lower() or k.lower() == "journal articles" for k in kinds):
        return "journal-article"
    return norm_type(kinds[0]) if kinds else "journal-article"


def medline_fields(rec: TaggedRecord) -> dict[str, Any]:
    """Map one MEDLINE record to Record keyword arguments."""
    keywords = [k.strip() for k in rec.each("MH") + rec.each("OT") if k.strip()]
    fields: dict[str, Any] = {
        "title": rec.joined("TI"),
        "abstract": rec.joined("AB"),
        "authors": tuple(a for a in (rec.each("FAU") or rec.each("AU")) if a),
        "year": norm_year(rec.joined("DP") or rec.joined("DEP") or rec.joined("SO")),
        "journal": rec.joined("JT") or rec.joined("TA"),
        "volume": rec.joined("VI"),
        "issue": rec.joined("IP"),
        "pages": norm_pages(rec.joined("PG")),
        "doi": _doi(rec),
        "keywords": tuple(dict.fromkeys(keywords)),
        "language": norm_language(rec.joined("LA")),
        "type": _type(rec),
        "key": rec.joined("PMID") or rec.joined("OID") or rec.joined("PMC"),
        "raw": rec.raw(),
    }
    if rec.joined("TT"):
        fields["title_alt"] = rec.joined("TT")
    other = rec.joined("OAB")
    if other and not _NO_ABSTRACT.match(other):
        fields["abstract_alt"] = other
    return fields


@importers.register("pubmed.v1")
class PubmedImporter(Importer):
    """PubMed "PubMed format" (MEDLINE) export, also .nbib files from PubMed and ERIC."""

    name = "pubmed"
    suffixes = ("nbib", "txt", "medline")

    def sniff(self, head: str) -> int:
        """Sure on a ``PMID-``/``OWN -``/``PMC -`` line followed by other MEDLINE tags."""
        if _SNIFF_START.search(head) and len(_SNIFF_TAGS.findall(head, 0, 20000)) >= 2:
            return 95
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse blank-line separated MEDLINE records."""
        records = split_tagged(text.split("\n"), _TAG, _START_TAGS, None, _continuation)
        for rec in records:
            if rec.problems:
                _, why = rec.problems[0]
                ctx.fail(rec.line, why, rec.number)
                continue
            ctx.add(medline_fields(rec), rec.line, rec.number)
        _check_last(records, text, ctx)


def _check_last(records: list[TaggedRecord], text: str, ctx: ParseContext) -> None:
    """Warn when the last record looks cut: the file has no end marker, so a truncated download or
    copy would otherwise pass unseen. PubMed ends every record with SO; a last record without it,
    when the others have it, or a file ending inside a field, is reported with its line."""
    if not records:
        return
    last = records[-1]
    if not _has_source_line(last):
        return
    ends = [r for r in records[:-1] if r.fields]
    usual_end = ends and all("SO" in r.fields for r in ends)
    if usual_end and "SO" not in last.fields:
        ctx.warn(
            last.line,
            "the last record has no SO field, which ends every other record: the file looks cut; "
            "export it again if records are missing",
            last.number,
        )
    elif not ends and last.fields and "SO" not in last.fields and not text.endswith("\n"):
        ctx.warn(last.line, "the file ends inside a record without SO field: it looks cut", last.number)


def _has_source_line(rec: TaggedRecord) -> bool:
    """Whether a whole record of this kind ends with SO: PubMed's books and chapters (``PT  - Book
    Chapter``, an NBK ``[bookaccession]``) and ERIC's records (reports, books, theses) have none."""
    if any(owner.strip().upper() == "ERIC" for owner in rec.each("OWN")):
        return False
    return not any("book" in kind.lower() for kind in rec.each("PT"))

"""Provides the EndNote XML importer (``<xml><records><record>``: EndNote's "XML" export, also Zotero's
and JabRef's), read with lxml without DTDs, entities or network access."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import (
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
)
from reviewkit.refi.xml import safe_parser
from reviewkit.registry import importers

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SNIFF = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)?<xml>\s*<records>\s*<record>", re.S)


def parse_xml(text: str, ctx: ParseContext) -> Any:
    """The root element of an XML export, parsed safely; None when it is not well-formed (reported to `ctx` with its line)."""
    data = _DECLARATION.sub("", text, count=1).encode("utf-8")
    try:
        return etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        ctx.fail(exc.lineno, f"not well-formed XML: {exc.msg}", None)
        return None


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, resolves no entity, reads no network and refuses huge trees."""
    return safe_parser()


def _text(el: Any, paragraphs: bool = False) -> str:
    """The text of `el` and its ``<style>`` runs; spaces collapsed (line breaks kept for `paragraphs`)."""
    if el is None:
        return ""
    raw = "".join(el.itertext()).replace("\r\n", "\n").replace("\r", "\n")
    if paragraphs:
        return "\n".join(" ".join(ln.split()) for ln in raw.split("\n") if ln.strip())
    return " ".join(raw.split())


def _all(rec: Any, path: str) -> list[str]:
    return [t for t in (_text(el) for el in rec.iterfind(path)) if t]


def _first(rec: Any, *paths: str) -> str:
    for path in paths:
        for el in rec.iterfind(path):
            if value := _text(el):
                return value
    return ""


def _keywords(rec: Any) -> tuple[str, ...]:
    out: list[str] = []
    for el in rec.iterfind("keywords/keyword"):
        raw = "".join(el.itertext())
        out.extend(k.strip() for k in re.split(r"[\r\n;]+", raw) if k.strip())
    return tuple(dict.fromkeys(" ".join(k.split()) for k in out))


def _raw(rec: Any) -> dict[str, str | list[str]]:
    """JSON-ready copy: each child element's name -> its text (a list when repeated)."""
    out: dict[str, str | list[str]] = {}
    for child in rec:
        if not isinstance(child.tag, str):
            continue
        value = _text(child, paragraphs=True)
        if not value:
            continue
        old = out.get(child.tag)
        if old is None:
            out[child.tag] = value
        elif isinstance(old, list):
            old.append(value)
        else:
            out[child.tag] = [old, value]
    return out


def record_fields(rec: Any) -> dict[str, Any]:
    """Map one EndNote XML ``<record>`` to Record keyword arguments."""
    ref_type = rec.find("ref-type")
    kind = ref_type.get("name", "") if ref_type is not None else ""
    journal = _first(rec, "titles/secondary-title", "periodical/full-title", "periodical/abbr-1")
    fields: dict[str, Any] = {
        "title": _first(rec, "titles/title"),
        "abstract": _text(rec.find("abstract"), paragraphs=True),
        "authors": tuple(_all(rec, "contributors/authors/author")),
        "year": norm_year(_first(rec, "dates/year", "dates/pub-dates/date")),
        "journal": journal,
        "volume": _first(rec, "volume"),
        "issue": _first(rec, "number", "issue"),
        "pages": norm_pages(_first(rec, "pages")),
        "doi": norm_doi(_first(rec, "electronic-resource-num")),
        "keywords": _keywords(rec),
        "language": norm_language(_first(rec, "language")),
        "type": norm_type(kind) or ("journal-article" if journal else "other"),
        "url": _first(rec, "urls/related-urls/url", "urls/web-urls/url"),
        "key": _first(rec, "accession-num") or _first(rec, "rec-number"),
        "raw": _raw(rec),
    }
    if not fields["authors"]:  # an edited book: its editors
        fields["authors"] = tuple(_all(rec, "contributors/secondary-authors/author"))
    if translated := _first(rec, "titles/translated-title"):
        fields["title_alt"] = translated
    if translated_authors := _all(rec, "contributors/translated-authors/author"):
        fields["authors_alt"] = tuple(translated_authors)
    return fields


@importers.register("endnotexml.v1")
class EndnoteXmlImporter(Importer):
    """EndNote XML export (``<xml><records><record>...``), as EndNote, Zotero and JabRef write it."""

    name = "endnotexml"
    suffixes = ("xml",)

    def sniff(self, head: str) -> int:
        """Sure when the document opens with ``<xml><records><record>``."""
        return 96 if _SNIFF.match(head) else 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse the document safely and add each ``<record>`` (bad XML is reported with its line)."""
        root = parse_xml(text, ctx)
        if root is None:
            return
        for number, rec in enumerate(root.iterfind("records/record"), 1):
            ctx.add(record_fields(rec), rec.sourceline, number)

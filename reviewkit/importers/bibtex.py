"""Provides the BibTeX/BibLaTeX importer (bibtexparser v1: @string, crossref, LaTeX accents to Unicode)."""

from __future__ import annotations

import re
import warnings
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

_ENTRY = re.compile(r"^[ \t]*@[ \t]*(?P<type>[A-Za-z]\w*)[ \t]*[{(][ \t]*(?P<key>[^,\s{}()]*)", re.M)
_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})
_FORMATTING = re.compile(
    r"\\(?:emph|textit|textbf|texttt|textsc|textsf|textrm|textup|mkbibquote|mkbibemph|enquote|url)\s*(?=\{)"
)
_SPACE = re.compile(r"\s+")


def _customize(record: dict[str, Any]) -> dict[str, Any]:
    from bibtexparser.customization import convert_to_unicode

    for k, v in record.items():
        if isinstance(v, str) and "\\" in v:
            record[k] = _FORMATTING.sub("", v)
    return convert_to_unicode(record)


def _tidy(value: str) -> str:
    """Collapse whitespace and TeX spacing/dashes left after accent conversion."""
    value = re.sub(r"(?<!\\)~", " ", value).replace("---", "—").replace("--", "–")
    value = value.replace("\\&", "&").replace("\\%", "%").replace("{", "").replace("}", "")
    return _SPACE.sub(" ", value).strip()


def _authors(value: str) -> tuple[str, ...]:
    names = re.split(r"\s+and\s+", _SPACE.sub(" ", value).strip())
    return tuple(_tidy(n) for n in names if n.strip() and n.strip().lower() != "others")


def bibtex_fields(e: dict[str, Any]) -> dict[str, Any]:
    """Map one bibtexparser entry to Record keyword arguments."""
    get = e.get
    journal = get("journal") or get("journaltitle") or get("booktitle") or ""
    raw = {k: v for k, v in e.items() if isinstance(v, str)}
    return {
        "title": _tidy(get("title", "")),
        "abstract": _tidy(get("abstract", "")),
        "authors": _authors(get("author", "") or get("editor", "")),
        "year": norm_year(get("year") or get("date") or ""),
        "journal": _tidy(journal),
        "volume": _tidy(get("volume", "")),
        "issue": _tidy(get("number") or get("issue") or ""),
        "pages": norm_pages(_tidy(get("pages", ""))),
        "doi": norm_doi(get("doi", "")),
        "keywords": split_list(_tidy(get("keywords", "")), ",;"),
        "language": norm_language(get("langid") or get("language") or ""),
        "type": norm_type(get("ENTRYTYPE", "")) or "other",
        "url": _tidy(get("url", "")),
        "key": get("ID", ""),
        "raw": raw,
    }


@importers.register("bibtex.v1")
class BibtexImporter(Importer):
    """BibTeX / BibLaTeX (``@article{key, ...}``), from Zotero, JabRef, Google Scholar, CNKI converters."""

    name = "bibtex"
    suffixes = ("bib", "bibtex")

    def sniff(self, head: str) -> int:
        """Sure on an ``@type{key,`` entry start."""
        types = [m.group("type").lower() for m in _ENTRY.finditer(head[:20000])]
        if any(t not in _NOT_ENTRIES for t in types):
            return 92
        return 40 if types else 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse with bibtexparser; entries it had to drop are reported by line."""
        import bibtexparser
        from bibtexparser.bparser import BibTexParser

        starts = [
            (text.count("\n", 0, m.start()) + 1, m.group("key"))
            for m in _ENTRY.finditer(text)
            if m.group("type").lower() not in _NOT_ENTRIES
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = BibTexParser(
                common_strings=True,
                ignore_nonstandard_types=False,
                interpolate_strings=True,
                add_missing_from_crossref=True,
            )
            parser.customization = _customize
            try:
                entries = bibtexparser.loads(text, parser).entries
            except Exception as exc:  # bibtexparser raises bare pyparsing/Key errors on broken input
                ctx.fail(1, f"BibTeX could not be parsed: {exc}", None)
                return
        pos = 0
        for entry in entries:
            key = entry.get("ID", "")
            j = pos
            while j < len(starts) and starts[j][1] != key:
                j += 1
            if j == len(starts):  # not found by key: keep order
                j = pos if pos < len(starts) else len(starts) - 1
            for k in range(pos, j):
                line = starts[k][0]
                ctx.fail(line, f"BibTeX entry {starts[k][1]!r} is malformed", k + 1)
            line = starts[j][0] if starts else None
            # An entry without title is still well-formed BibTeX (biber's test data has 18 of them).
            ctx.add(bibtex_fields(entry), line, j + 1, require_text=False)
            pos = j + 1
        for k in range(pos, len(starts)):
            line = starts[k][0]
            ctx.fail(line, f"BibTeX entry {starts[k][1]!r} is malformed", k + 1)

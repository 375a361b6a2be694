"""Provides the BibTeX/BibLaTeX importer (bibtexparser 2: @string, crossref; pylatexenc for LaTeX to Unicode)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.latex import latex_to_text, split_names
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
_MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())
# Fields a parent (crossref) passes to its children in BibLaTeX beyond the same-named ones.
_INHERIT_AS = {"title": "booktitle", "subtitle": "booksubtitle"}


_INITIALS = re.compile(r"^[A-Z][A-Z.\-]{0,7}$")


def _comma_list(name: str) -> list[str]:
    """One BibTeX "name" that is really several: the Cochrane Library writes ``{Huey, SL, Mehta, NH, and
    Mehta, S}`` (pairs of surname and initials, "and" only before the last), so the part before the
    "and" holds two authors and ends with a comma. A trailing comma is dropped from any name."""
    tokens = [t.strip() for t in name.split(",")]
    if len(tokens) > 1 and not tokens[-1]:
        tokens.pop()
    if len(tokens) >= 4 and len(tokens) % 2 == 0 and "{" not in name:
        surnames, initials = tokens[0::2], tokens[1::2]
        if all(surnames) and all(_INITIALS.match(i) for i in initials):
            return [f"{s}, {i}" for s, i in zip(surnames, initials, strict=True)]
    return [", ".join(tokens)]


_COMMENT_LINE = re.compile(r"^[ \t]*%", re.M)


def _without_comment_lines(text: str) -> str:
    """`text` with its ``%`` comment lines outside entries blanked (line numbers kept).

    Biber and JabRef read ``%`` lines between entries as comments, and people comment entries out
    so (``%@inbook{test2,`` / ``%  year = 2008,`` / ``%}``); bibtexparser read such an entry as one
    with fields named ``%  year`` or failed on it. Inside an entry a ``%`` line is left as it is.
    """
    if not _COMMENT_LINE.search(text):
        return text
    lines = text.split("\n")
    depth = 0
    for i, line in enumerate(lines):
        if depth == 0 and line.lstrip(" \t").startswith("%"):
            lines[i] = ""
            continue
        plain = line.replace("\\{", "").replace("\\}", "")
        depth = max(0, depth + plain.count("{") - plain.count("}"))
    return "\n".join(lines)


def _authors(value: str) -> tuple[str, ...]:
    names = [part for name in split_names(value) for part in _comma_list(name)]
    return tuple(n for n in (latex_to_text(name) for name in names) if n)


def bibtex_fields(e: dict[str, str]) -> dict[str, Any]:
    """Map one entry (lower-cased field names, raw LaTeX values, plus ENTRYTYPE and ID) to Record fields."""
    get = e.get
    journal = get("journal") or get("journaltitle") or get("booktitle") or ""
    editors = not get("author") and get("editor")
    return {
        "title": latex_to_text(get("title", "")),
        "abstract": latex_to_text(get("abstract", "")),
        "authors": _authors(get("author", "") or get("editor", "")),
        "year": norm_year(get("year") or get("date") or ""),
        "journal": latex_to_text(journal),
        "volume": latex_to_text(get("volume", "")),
        "issue": latex_to_text(get("number") or get("issue") or ""),
        "pages": norm_pages(latex_to_text(get("pages", ""))),
        "doi": norm_doi(latex_to_text(get("doi", ""))),
        "keywords": split_list(latex_to_text(get("keywords", "") or get("author_keywords", "")), ",;"),
        "language": norm_language(get("langid") or get("language") or ""),
        "type": norm_type(get("ENTRYTYPE", "")) or "other",
        "url": latex_to_text(get("url", "")),
        "key": get("ID", ""),
        "raw": dict(e, authors_are_editors="yes") if editors else dict(e),
    }


@contextmanager
def _quiet_splitter() -> Iterator[None]:
    """Silence bibtexparser's log lines about broken blocks: we report them as skipped records."""
    logger = logging.getLogger("bibtexparser.splitter")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def _unenclose(value: str) -> str:
    """Strip the outer braces or quotes (the parser's middleware skips entries with a repeated field)."""
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def _fields_of(entry: Any, enclosed: bool = False) -> dict[str, str]:
    """Field name (lower-cased, no-break spaces as spaces) -> raw value; a repeated field keeps all values.

    Args:
        entry: a bibtexparser Entry.
        enclosed: the values still have their braces/quotes (entries with a repeated field).
    """
    out: dict[str, str] = {}
    for f in entry.fields:
        name = str(f.key).replace("\xa0", " ").strip().lower()
        value = f.value if isinstance(f.value, str) else str(f.value)
        if enclosed:
            value = _unenclose(value)
        elif getattr(f, "enclosing", None) == "no-enclosing" and not value.strip().isdigit():
            pieces = [piece.strip() for piece in value.split("#")]
            bare = [piece for piece in pieces if piece and piece[0] not in "{\"" and piece.lower() not in _MONTHS]
            value = " ".join(_unenclose(piece) for piece in pieces if piece)
            if bare:
                out["_undefined"] = out.get("_undefined", "") + f"{', '.join(bare)} in {name}; "
        out[name] = f"{out[name]}; {value}" if name in out and value != out[name] else value
    out["ENTRYTYPE"] = str(entry.entry_type).lower()
    out["ID"] = str(entry.key).strip()
    return out


def _first_line(text: object) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[-1] if lines else "syntax error"


def _inherit(entries: list[dict[str, str]]) -> None:
    """Fill missing fields of entries with a ``crossref`` from their parent entry (as biber does)."""
    by_key = {e["ID"].lower(): e for e in entries}
    for e in entries:
        parent = by_key.get(e.get("crossref", "").strip().lower())
        if parent is None or parent is e:
            continue
        for name, value in parent.items():
            if name in ("ENTRYTYPE", "ID", "crossref"):
                continue
            e.setdefault(_INHERIT_AS.get(name, name), value)


@importers.register("bibtex.v1")
class BibtexImporter(Importer):
    """BibTeX / BibLaTeX (``@article{key, ...}``), from Zotero, JabRef, Scopus, WoS, Google Scholar, CNKI."""

    name = "bibtex"
    suffixes = ("bib", "bibtex")

    def sniff(self, head: str) -> int:
        """Sure on an ``@type{key,`` entry start."""
        types = [m.group("type").lower() for m in _ENTRY.finditer(head[:20000])]
        if any(t not in _NOT_ENTRIES for t in types):
            return 92
        return 40 if types else 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse with bibtexparser 2; each entry it cannot read is reported with its line and key."""
        from bibtexparser import model
        from bibtexparser.entrypoint import parse_string

        with _quiet_splitter():
            library = parse_string(_without_comment_lines(text))
        number = 0
        found: list[tuple[int, int, dict[str, str] | str]] = []
        for block in library.blocks:
            if isinstance(block, model.Entry):
                number += 1
                found.append(((block.start_line or 0) + 1, number, _fields_of(block)))
            elif isinstance(block, model.DuplicateBlockKeyBlock):
                number += 1
                found.append(((block.start_line or 0) + 1, number, _fields_of(block.ignore_error_block)))
            elif isinstance(block, model.DuplicateFieldKeyBlock):
                number += 1
                found.append(((block.start_line or 0) + 1, number, _fields_of(block.ignore_error_block, True)))
            elif isinstance(block, model.ParsingFailedBlock):
                m = _ENTRY.match(block.raw or "")
                if m and m.group("type").lower() in _NOT_ENTRIES:
                    continue
                number += 1
                key = m.group("key") if m else ""
                what = f"BibTeX entry {key!r}" if key else "BibTeX entry"
                found.append(((block.start_line or 0) + 1, number, f"{what} is malformed: {_first_line(block.error)}"))
        _inherit([f for _, _, f in found if isinstance(f, dict)])
        for line, no, fields in found:
            if isinstance(fields, str):
                ctx.fail(line, fields, no)
            else:
                undefined = fields.pop("_undefined", "")
                if undefined:
                    ctx.warn(line, f"undefined @string kept as text: {undefined.rstrip('; ')}", no)
                # An entry without title is still well-formed BibTeX (biber's test data has 18 of them).
                ctx.add(bibtex_fields(fields), line, no, require_text=False)

"""Provides `read_records`: turn a bibliographic export file into `Record`s, detecting format and encoding.

Formats (short names): bibtex, citation (abstract + GB/T 7714 reference lines), csv (Scopus, Embase,
ASReview, any CSV/TSV), cssci (CSSCI text export), endnote (refer/EndNote tagged, CNKI), endnotexml
(EndNote XML), estudy (CNKI E-Study), json (CSL-JSON arrays, e.g. from Zotero; OpenAlex works), jsonl,
noteexpress (CNKI), ovid (MEDLINE, Embase, PsycINFO ... on Ovid), pubmed (MEDLINE/.nbib), pubmedxml
(PubMed XML), refworks (CNKI), ris, wos (Web of Science plain text).
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from pathlib import Path

from reviewkit.errors import ImportFormatError, UnknownComponentError
from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.textio import decode_head, read_text_report
from reviewkit.records import Record, SkippedRecord
from reviewkit.registry import importers

__all__ = ["ReadResult", "available_formats", "detect_format", "read_records"]

_ALIASES = {
    "bib": "bibtex",
    "biblatex": "bibtex",
    "nbib": "pubmed",
    "medline": "pubmed",
    "enw": "endnote",
    "refer": "endnote",
    "endnote-xml": "endnotexml",
    "enlxml": "endnotexml",
    "isi": "wos",
    "webofscience": "wos",
    "tsv": "csv",
    "scopus": "csv",
    "net": "noteexpress",
    "gbt7714": "citation",
    "gb7714": "citation",
    "csl": "json",
    "csljson": "json",
    "embase": "ovid",
}
_SUFFIX_FORMAT = {
    "ris": "ris",
    "bib": "bibtex",
    "bibtex": "bibtex",
    "nbib": "pubmed",
    "medline": "pubmed",
    "net": "noteexpress",
    "enw": "endnote",
    "xml": "endnotexml",
    "isi": "wos",
    "csv": "csv",
    "tsv": "csv",
    "tab": "csv",
    "json": "json",
    "jsonl": "jsonl",
    "ndjson": "jsonl",
    "ovd": "ovid",
    "cgi": "ovid",
    "txt": "citation",
}


@dataclass
class ReadResult:
    """What one file yielded.

    Attributes:
        path: the file as given.
        format: short name of the format used ("ris").
        encoding: the text encoding used ("utf-8", "utf-8-sig", "gb18030", "utf-16"...).
        records: good records in file order, with source_format/source_file/source_line set.
        skipped: bad records (only with skip_bad=True), each with its line and reason.
        warnings: problems that cost no record (a junk line left out of a record, a file that
            looks cut after its last record), each with its line and what was left out.
    """

    path: str
    format: str
    encoding: str
    records: list[Record] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[SkippedRecord] = field(default_factory=list)


def _short(name: str) -> str:
    return name.rsplit(".v", 1)[0]


def available_formats() -> list[str]:
    """Short names of all registered importers (built-in and plugins), sorted."""
    return sorted({_short(n) for n in importers.names()})


def _importer(name: str, path: str) -> Importer:
    key = name.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    try:
        obj = importers.get(key)
    except UnknownComponentError:
        raise ImportFormatError(
            path, None, f"unknown format {name!r}; use one of: {', '.join(available_formats())}"
        ) from None
    imp: Importer = obj() if isinstance(obj, type) else obj
    return imp


def _detect(path: str, head: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    by_suffix = _SUFFIX_FORMAT.get(suffix, "")
    best, best_score = "", 0
    for name in available_formats():
        if name == "citation" and by_suffix == "csv":
            continue  # a table is never free citation text
        score = _importer(name, path).sniff(head)
        if score and name == by_suffix:
            score += 3
        if score > best_score:
            best, best_score = name, score
    if best:
        return best
    hint = _id_list_hint(head) or _xml_hint(head) or (_table_hint(head) if by_suffix == "csv" or suffix in {"csv", "tsv", "txt"} else "")
    raise ImportFormatError(
        path,
        None,
        f"could not recognise the format of {path}{hint}; use --format with one of: {', '.join(available_formats())}",
    )


_PMID = re.compile(r"\d{1,9}")
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.\d{4,9}/\S+", re.I)


def _id_list_hint(head: str) -> str:
    """For a list of identifiers (PubMed's "PMID" export, a list of DOIs): say what to export instead."""
    lines = [ln.strip() for ln in head.split("\n")[:200] if ln.strip()]
    if not lines:
        return ""
    if all(_PMID.fullmatch(ln) for ln in lines):
        return (
            " (it is a list of PubMed IDs, without titles or abstracts: export the records in "
            "PubMed format, or as .nbib, instead)"
        )
    if all(_DOI.fullmatch(ln) for ln in lines):
        return " (it is a list of DOIs, without titles or abstracts: export the records themselves, e.g. as RIS)"
    return ""


_XML_KINDS = (
    (re.compile(r"<(?:modsCollection|mods)\b"), "MODS XML", "RIS or BibTeX"),
    (re.compile(r"<rdf:RDF\b"), "RDF (Zotero RDF?)", "RIS, BibTeX or CSL-JSON"),
    (re.compile(r"<(?:b:Sources|Sources)\b[^>]*bibliography"), "Word/MSBib XML", "RIS or BibTeX"),
)


# (Hints use no ';': a folder import shows a refused file's reason up to its first ';'.)
_XML_START = re.compile(r"<(?:\?xml|!DOCTYPE|[A-Za-z][\w:.-]*[\s>/])")


def _xml_hint(head: str) -> str:
    """For an XML document of a kind we do not read: name it and say what to export instead."""
    if not _XML_START.match(head.lstrip("\ufeff \t\r\n")):
        return ""  # (Ovid's "<1>" record lines are no XML)
    for pattern, kind, instead in _XML_KINDS:
        if pattern.search(head):
            return f" (it is {kind}, which reviewkit does not read: export the records as {instead} instead)"
    return (
        " (it is XML but neither EndNote XML nor PubMed XML, the XML reviewkit reads: "
        "export the records as RIS instead)"
    )


def _table_hint(head: str) -> str:
    """For a table without a title column: name its columns, so the user can see what is missing."""
    import csv

    first = head.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    if first.count(delimiter) == 0:
        return ""
    columns = [c.strip() for c in next(csv.reader([first], delimiter=delimiter))]
    return (
        f" (it looks like a table, but none of its columns {', '.join(columns[:12])} is a title or "
        "abstract: name the title column 'Title')"
    )


def detect_format(path: str | Path, head: str | None = None) -> str:
    """Name the format of an export file by sniffing its content; the suffix breaks ties.

    Args:
        path: the file (read only when `head` is None).
        head: the start of the decoded text, if already at hand.

    Returns:
        A short format name from `available_formats()`.

    Raises:
        ImportFormatError: the file is empty, binary, undecodable, or of no known format.
    """
    if head is None:
        p = Path(path)
        try:
            with p.open("rb") as fh:
                data = fh.read(65536)
        except OSError as exc:
            raise ImportFormatError(str(path), None, f"cannot read the file: {exc.strerror}") from None
        head, _ = decode_head(data, str(path), complete=len(data) < 65536)
    return _detect(str(path), head[:65536])


def read_records(
    path: str | Path, format: str | None = None, *, skip_bad: bool = False, encoding: str | None = None
) -> ReadResult:
    """Read every record of one export file.

    Args:
        path: the export file.
        format: a short format name (or alias such as "nbib", "enw") to force; None to detect.
        skip_bad: keep the good records and list the bad ones in `skipped` instead of raising.
        encoding: force a text encoding; None to detect (BOM, UTF-8, GB18030, cp1252, Latin-1; a
            UTF-8 file with a few stray bytes is read as UTF-8 and the bytes listed in `warnings`).

    Returns:
        A ReadResult with the records, the format and the encoding used.

    Raises:
        ImportFormatError: empty, binary or undecodable file, unknown format, no records, or
            (without skip_bad) the first bad record, naming the file, line and record number.
    """
    spath = str(path)
    text, used, problems = read_text_report(path, encoding)
    if not text.strip():
        raise ImportFormatError(spath, None, "the file is empty; export the records again")
    name = _short(format) if format else _detect(spath, text[:65536])
    imp = _importer(name, spath)
    ctx = ParseContext(spath, imp.name or name, skip_bad)
    for line, problem in problems:
        ctx.warn(line, problem)
    # Parsing allocates millions of small dicts/lists; with the default threshold (700) the cyclic
    # collector rescans them again and again (a third of the time on 100,000 RIS records). A
    # higher threshold keeps most of that gain while cycles (pylatexenc's node trees, parser
    # objects) are still collected: turning the collector off let memory grow to gigabytes.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        imp.parse(text, ctx)
    finally:
        gc.set_threshold(*thresholds)
    if not ctx.records and not ctx.skipped:
        raise ImportFormatError(
            spath,
            None,
            f"no {imp.name or name} records found; if this is another format use --format with one of: "
            f"{', '.join(available_formats())}",
        )
    skipped = sorted(ctx.skipped, key=lambda s: (s.line or 0, s.record or 0))
    warnings = sorted(ctx.warnings, key=lambda s: (s.line or 0, s.record or 0))
    return ReadResult(spath, imp.name or name, used, ctx.records, skipped, warnings)

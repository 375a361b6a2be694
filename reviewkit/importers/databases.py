"""Provides `detect_database`: the database an export file came from, where the file itself says so.

A PRISMA flow diagram names the databases searched ("Scopus", "APA PsycInfo via Ovid"), not the
file names. Most exports carry the name: RIS ``DB``/``DP`` tags and the links of EBSCOhost and Ovid,
BibTeX ``source = {Scopus}`` or ``Unique-ID = {WOS:...}``, the header of a Scopus, Lens, Dimensions,
OpenAlex, Springer, IEEE Xplore, Embase or PubMed CSV, CNKI's ``%W CNKI`` and NoteExpress
``{Database Provider}``. Only the head of the file is read.

Per-record signs must agree: a file whose records name two databases (a reference manager's
library, a Rayyan export) or where fewer than half the records name one gets no name ("" — the
caller then labels the source by its file name).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from reviewkit.errors import ImportFormatError
from reviewkit.importers.textio import decode_head, normalise_newlines

HEAD_BYTES = 256 * 1024
"""How much of a file `detect_database` reads."""

BY_FORMAT = {"wos": "Web of Science", "pubmed": "PubMed", "estudy": "CNKI", "cssci": "CSSCI"}
"""Formats that only one database writes."""

_CANONICAL = {
    "scopus": "Scopus",
    "web of science": "Web of Science",
    "web of science core collection": "Web of Science",
    "pubmed": "PubMed",
    "medline": "MEDLINE",
    "embase": "Embase",
    "ebscohost": "EBSCOhost",
    "ovid": "Ovid",
    "ovid technologies": "Ovid",
    "lens": "Lens",
    "lens.org": "Lens",
    "the lens": "Lens",
    "openalex": "OpenAlex",
    "dimensions": "Dimensions",
    "cnki": "CNKI",
    "中国知网": "CNKI",
    "ieee xplore": "IEEE Xplore",
    "springerlink": "SpringerLink",
    "springer link": "SpringerLink",
    "proquest": "ProQuest",
}
"""Spellings of database names (lower case) -> the name shown."""

_KNOWN_SOURCES = {"scopus", "web of science", "pubmed", "medline", "embase", "lens", "openalex", "dimensions", "cnki"}
"""Values of a generic ``source`` field (BibTeX, CSV "Source") that name a database; others are journals."""

_EBSCO_DB = {
    "aph": "Academic Search Premier",
    "a9h": "Academic Search Complete",
    "8gh": "GreenFILE",
    "bth": "Business Source Premier",
    "buh": "Business Source Complete",
    "psyh": "APA PsycInfo",
    "rzh": "CINAHL",
    "cmedm": "MEDLINE",
    "eric": "ERIC",
    "ecn": "EconLit",
}
"""EBSCOhost database codes (the ``db=`` of its links)."""

_OVID_DB = (("psyc", "APA PsycInfo"), ("medl", "MEDLINE"), ("prem", "MEDLINE"), ("mesz", "MEDLINE"),
            ("emed", "Embase"), ("emez", "Embase"), ("oemezd", "Embase"))  # fmt: skip
"""Ovid database code prefixes (the ``D=`` of its links)."""

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_LENS_ID = re.compile(r"^\d{3}-\d{3}-\d{3}-\d{3}-\d{3}$")


def canonical(name: str) -> str:
    """A database name as reviewkit shows it ("scopus" -> "Scopus"); unknown names are kept, trimmed."""
    name = " ".join(name.split())
    return _CANONICAL.get(name.lower(), name)


def detect_database(path: str | Path, fmt: str, encoding: str | None = None) -> str:
    """The database an export file came from, read from the file's content.

    Args:
        path: the export file.
        fmt: its short format name ("ris", "csv", ...), as the importer used it.
        encoding: the encoding the importer used (None: detect).

    Returns:
        The database's name ("Scopus", "Academic Search Premier via EBSCOhost", "CNKI"), or "" when the
        file does not say (or says several). Never raises: an unreadable head gives "".
    """
    try:
        with open(path, "rb") as fp:
            data = fp.read(HEAD_BYTES + 1)
        complete = len(data) <= HEAD_BYTES
        data = data[:HEAD_BYTES]
        if encoding:
            if not complete:
                data = data[: data.rfind(b"\n") + 1] or data
            text = normalise_newlines(data.decode(encoding, errors="replace"))
        else:
            text, _ = decode_head(data, str(path), complete)
    except (OSError, LookupError, ImportFormatError):
        return BY_FORMAT.get(fmt, "")
    return database_from_text(text.lstrip("\ufeff"), fmt)


def database_from_text(text: str, fmt: str) -> str:
    """The database the text of an export (or its head) names, or "" (see `detect_database`).

    Args:
        text: the file's text (LF line ends), or its first part.
        fmt: the short format name.
    """
    if fmt in BY_FORMAT:
        return BY_FORMAT[fmt]
    reader = _READERS.get(fmt)
    return reader(text) if reader else ""


def _agree(votes: Iterable[str]) -> str:
    """The one name the records give, when at least half of them give it and none gives another."""
    votes = list(votes)
    names = {v for v in votes if v}
    if len(names) != 1:
        return ""
    name = names.pop()
    return name if 2 * sum(1 for v in votes if v) >= len(votes) else ""


def _records(text: str, start: re.Pattern[str] | None = None, end: re.Pattern[str] | None = None) -> list[str]:
    """Split text into records at lines matching `start` (a record begins) or `end` (a record ends)."""
    out: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if start is not None and start.match(line) and current:
            out.append("\n".join(current))
            current = []
        current.append(line)
        if end is not None and end.match(line):
            out.append("\n".join(current))
            current = []
    if current and "\n".join(current).strip() and (end is None or not out):
        out.append("\n".join(current))  # the last record (cut by the head: kept only when alone)
    return [r for r in out if r.strip()]


# --- RIS -------------------------------------------------------------------------------------------


def _via(database: str, platform: str) -> str:
    if database and platform and platform.lower() not in database.lower():
        return f"{database} via {platform}"
    return database or platform


def _from_link(url: str) -> tuple[str, str]:
    """(database, platform) named by an EBSCOhost, Ovid or Scopus link."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "", ""
    host = parts.netloc.lower()
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    if "ebscohost.com" in url.lower():  # also behind a library proxy (?url=http://search.ebscohost.com/...)
        code = (query.get("db") or [""])[0].lower()
        return _EBSCO_DB.get(code, ""), "EBSCOhost"
    if "ovid.com" in host:
        code = (query.get("d") or [""])[0].lower()
        return next((name for prefix, name in _OVID_DB if code.startswith(prefix)), ""), "Ovid"
    if host.endswith("scopus.com"):
        return "Scopus", ""
    return "", ""


def _ris_record(record: str) -> str:
    tags: dict[str, list[str]] = {}
    for line in record.split("\n"):
        m = _RIS_TAG.match(line)
        if m:
            tags.setdefault(m.group(1), []).append((m.group(2) or "").strip())
    database = canonical(next((v for v in tags.get("DB", []) if v), ""))
    platform = canonical(next((v for v in tags.get("DP", []) if v), ""))
    if database or platform:  # the export names itself
        return _via(database, platform)
    if any(v.upper().startswith("WOS:") for v in tags.get("AN", [])) or any(
        "Times Cited in Web of Science" in v for v in tags.get("N1", [])
    ):
        return "Web of Science"
    if tags.get("ID") and all(_LENS_ID.match(v) for v in tags["ID"]):  # the record's own Lens ID
        return "Lens"
    for url in tags.get("UR", []) + tags.get("L2", []) + tags.get("LK", []):  # the record's link into a database
        linked, host = _from_link(url)
        database, platform = database or linked, platform or host
    return _via(database, platform)


def _ris(text: str) -> str:
    return _agree(_ris_record(r) for r in _records(text, end=re.compile(r"^ER  -")))


# --- BibTeX ----------------------------------------------------------------------------------------

_BIB_FIELD = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=\s*[{\"]?\s*([^}\",\n]*)", re.MULTILINE)


def _bibtex_record(record: str) -> str:
    fields = {k.lower().replace("_", "-"): v.strip() for k, v in _BIB_FIELD.findall(record)}
    source = fields.get("source", "")
    if source.lower() in _KNOWN_SOURCES:
        return canonical(source)
    if fields.get("unique-id", "").upper().startswith(("WOS:", "ISI:")) or "web-of-science-index" in fields:
        return "Web of Science"
    if "scopus.com" in fields.get("url", "").lower():
        return "Scopus"
    return ""


def _bibtex(text: str) -> str:
    records = _records(text, start=re.compile(r"^\s*@(?!comment|preamble|string)\w+\s*[{(]", re.IGNORECASE))
    return _agree(_bibtex_record(r) for r in records if r.lstrip().startswith("@"))


# --- CSV / TSV -------------------------------------------------------------------------------------

_CSV_HEADERS: tuple[tuple[str, Callable[[set[str]], bool]], ...] = (
    ("Lens", lambda h: "lens id" in h),
    ("Dimensions", lambda h: "dimensions url" in h),
    ("Scopus", lambda h: "eid" in h and ("source title" in h or "link" in h)),
    ("IEEE Xplore", lambda h: "date added to xplore" in h or "ieee terms" in h),
    ("SpringerLink", lambda h: {"item title", "item doi", "content type"} <= h),
    ("Embase", lambda h: any(c.startswith("emtree") for c in h)),
    ("Web of Science", lambda h: "ut (unique wos id)" in h or {"pt", "au", "ut"} <= h),
    ("PubMed", lambda h: {"pmid", "citation", "first author", "journal/book"} <= h),
    ("CNKI", lambda h: "srcdatabase-来源库" in h),
)
"""Databases whose CSV export is told by its columns (lower-cased header names)."""


def _csv(text: str) -> str:
    lines = text.split("\n")
    if lines and lines[0].lstrip('"').lower().startswith("about the data"):
        if "dimensions" in lines[0].lower() or "digital science" in lines[0].lower():
            return "Dimensions"
        lines = lines[1:]
    if not lines:
        return ""
    delimiter = max((",", "\t", ";"), key=lines[0].count)
    reader = csv.reader(lines[:200], delimiter=delimiter)
    try:
        header = [c.strip().lstrip("\ufeff").lower() for c in next(reader, [])]
        names = set(header)
        for name, test in _CSV_HEADERS:
            if test(names):
                return name
        rows = list(reader)
    except csv.Error:  # e.g. a cell over the csv module's size limit: the importer reports it
        return ""
    votes = []
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        vote = ""
        if cells.get("source", "").strip().lower() in _KNOWN_SOURCES:
            vote = canonical(cells["source"])
        elif cells.get("id", "").startswith("https://openalex.org/"):
            vote = "OpenAlex"
        elif "scopus.com" in cells.get("link", "").lower():
            vote = "Scopus"
        votes.append(vote)
    return _agree(votes)


# --- CNKI and other Chinese exports ----------------------------------------------------------------


def _chinese(value: str) -> str:
    value = value.strip()
    if "万方" in value or "wanfang" in value.lower():
        return "Wanfang Data"
    if "维普" in value or "cqvip" in value.lower():
        return "CQVIP"
    if "知网" in value or value.upper().startswith("CNKI"):
        return "CNKI"
    return canonical(value)


def _tag_value(record: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(record)
    return _chinese(m.group(1)) if m and m.group(1).strip() else ""


def _endnote(text: str) -> str:
    tag = re.compile(r"^%W\s+(.*)$", re.MULTILINE)
    return _agree(_tag_value(r, tag) for r in _records(text, start=re.compile(r"^%0\s")) if "%0" in r)


def _noteexpress(text: str) -> str:
    tag = re.compile(r"^\{Database Provider\}:\s*(.*)$", re.MULTILINE)
    records = _records(text, start=re.compile(r"^\{Reference Type\}:"))
    return _agree(_tag_value(r, tag) for r in records if "{Reference Type}" in r)


def _refworks(text: str) -> str:
    tag = re.compile(r"^DS\s+(.*)$", re.MULTILINE)
    return _agree(_tag_value(r, tag) for r in _records(text, start=re.compile(r"^RT\s")) if r.startswith("RT"))


def _ovid_record(record: str) -> str:
    """An Ovid record names its database (``DB  - Embase``; the labelled layout: ``Database``)."""
    m = re.search(r"^DB  - (.+)$", record, re.M) or re.search(r"^Database\s*\n\s+(\S.*)$", record, re.M)
    return _via(canonical(m.group(1).strip()), "Ovid") if m else ""


_OVID_START = re.compile(r"^<\s*\d+\s*\.?\s*>\s*$")


def _ovid(text: str) -> str:
    records = [r for r in _records(text, start=_OVID_START) if _OVID_START.match(r.lstrip("\n").split("\n", 1)[0])]
    return _agree(_ovid_record(r) for r in records)


_READERS: dict[str, Callable[[str], str]] = {
    "ris": _ris,
    "ovid": _ovid,
    "bibtex": _bibtex,
    "csv": _csv,
    "endnote": _endnote,
    "noteexpress": _noteexpress,
    "refworks": _refworks,
}

"""Provides the importer base class, the per-file parse context and the Record builder."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import MISSING
from dataclasses import fields as dc_fields
from typing import Any, ClassVar

from reviewkit.errors import ImportFormatError
from reviewkit.importers.markup import cnki_breaks, strip_markup
from reviewkit.importers.normalise import lang_of
from reviewkit.records import Record, SkippedRecord

_PAIRS = (
    ("title", "title_alt"),
    ("abstract", "abstract_alt"),
    ("authors", "authors_alt"),
    ("journal", "journal_alt"),
)


class Importer:
    """One file format. Subclasses are registered as ``@importers.register("name.v1")``.

    Attributes:
        name: short format name ("ris").
        suffixes: file suffixes used as a tie-break when sniffing ("ris", "txt").
    """

    name: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()

    def sniff(self, head: str) -> int:
        """Score 0-100 how sure we are that `head` (the file's first ~64 KB) is this format."""
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse the whole decoded text (LF line ends) and hand each record to `ctx`."""
        raise NotImplementedError


class ParseContext:
    """Collects the records of one file, and raises or keeps (under skip_bad) the bad ones.

    Args:
        path: the file name, stored in every record.
        fmt: short format name, stored as `source_format`.
        skip_bad: keep going past bad records, listing them in `skipped`.
    """

    def __init__(self, path: str, fmt: str, skip_bad: bool) -> None:
        self.path = path
        self.fmt = fmt
        self.skip_bad = skip_bad
        self.records: list[Record] = []
        self.skipped: list[SkippedRecord] = []
        self.warnings: list[SkippedRecord] = []

    def warn(self, line: int | None, reason: str, record: int | None = None) -> None:
        """Report a problem that did not cost a record (a junk line left out of it, a cut last record).

        The record is kept; the warning names the line and what was left out, for the import report.
        """
        self.warnings.append(SkippedRecord(self.path, line, reason, record))

    def fail(self, line: int | None, reason: str, record: int | None = None) -> None:
        """Report a bad record: raise ImportFormatError, or under skip_bad keep it as skipped.

        Raises:
            ImportFormatError: unless skip_bad is set.
        """
        if not self.skip_bad:
            raise ImportFormatError(self.path, line, reason, record)
        self.skipped.append(SkippedRecord(self.path, line, reason, record))

    def add(
        self,
        fields: dict[str, Any],
        line: int | None,
        record: int | None,
        primary: str = "",
        require_text: bool = True,
    ) -> None:
        """Validate `fields` (Record field names) and append the Record, or report it as bad.

        Args:
            fields: Record keyword arguments (title, abstract, authors, ..., raw).
            line: 1-based line where the record starts.
            record: 1-based record number in the file.
            primary: language the primary fields should be in ("" = the main title's).
            require_text: report a record without title and abstract as bad.
        """
        if require_text and not fields.get("title") and not fields.get("abstract"):
            if not fields.get("title_alt") and not fields.get("abstract_alt"):
                self.fail(line, "no title and no abstract", record)
                return
        nfc(fields)
        arrange_languages(fields, primary)
        fields["source_format"] = self.fmt
        fields["source_file"] = self.path
        fields["source_line"] = line
        self.records.append(new_record(fields))

    def add_in_order(
        self,
        records: list[Any],
        problems: list[tuple[int, str]],
        to_fields: Callable[[Any], dict[str, Any]],
    ) -> None:
        """Add split records and report the splitter's problems, all in file order.

        Args:
            records: split records, each with `.line` and `.number`.
            problems: (line, reason) found while splitting.
            to_fields: turns one split record into Record keyword arguments.
        """
        pending = list(problems)
        for rec in records:
            while pending and pending[0][0] < rec.line:
                self.fail(*pending.pop(0), None)
            self.add(to_fields(rec), rec.line, rec.number)
        for line, why in pending:
            self.fail(line, why, None)


_TEXT = ("title", "abstract", "journal", "title_alt", "abstract_alt", "journal_alt")
_NAMES_FIELDS = ("authors", "authors_alt", "keywords")


_MARKED = ("title", "abstract", "title_alt", "abstract_alt")
_TITLES = frozenset({"title", "title_alt"})


def nfc(fields: dict[str, Any]) -> None:
    """NFC-normalise the text fields in place (decomposed accents from Mac/LaTeX tools), so search finds them.

    The markup databases leave in titles and abstracts (JATS from Crossref-fed Lens and Dimensions,
    PubMed's structured-abstract XML, publishers' HTML: see `markup.strip_markup`) is removed and
    its entities decoded; CNKI's ``(#br)`` line-break marker becomes a line break and its ``<正>``
    mark goes; a title's line breaks and runs of spaces become single spaces.
    """
    for key in _MARKED:
        value = fields.get(key)
        if value and ("<" in value or "&" in value):
            value = fields[key] = strip_markup(value)
        if value and ("(#br)" in value or value.startswith("<正>")):
            value = fields[key] = cnki_breaks(value)
        if value and key in _TITLES and ("\n" in value or "\t" in value or "  " in value):
            fields[key] = " ".join(value.split())  # Springer's formulas bring line breaks and indentation
    for key in _TEXT:
        value = fields.get(key)
        if value and not value.isascii() and not unicodedata.is_normalized("NFC", value):
            fields[key] = unicodedata.normalize("NFC", value)
    for key in _NAMES_FIELDS:
        values = fields.get(key)
        if (
            values
            and not all(map(str.isascii, values))  # the common case, checked without a Python-level loop
            and any(not v.isascii() and not unicodedata.is_normalized("NFC", v) for v in values)
        ):
            fields[key] = tuple(unicodedata.normalize("NFC", v) for v in values)


_DEFAULTS = {f.name: f.default for f in dc_fields(Record) if f.default is not MISSING}
_NAMES = frozenset(f.name for f in dc_fields(Record))


def new_record(fields: dict[str, Any]) -> Record:
    """Build a Record from keyword arguments, several times faster than ``Record(**fields)``.

    A frozen dataclass sets each of its ~25 fields through ``object.__setattr__``; importing
    100,000 records makes that a third of the time. Filling ``__dict__`` at once gives the same
    object (Record has no ``__post_init__`` or slots; should it gain them, the normal path is used).

    Raises:
        TypeError: on a key that is not a Record field.
    """
    if _SLOW_PATH:
        return Record(**fields)
    if not _NAMES.issuperset(fields):
        raise TypeError(f"not Record fields: {sorted(set(fields) - _NAMES)}")
    rec = object.__new__(Record)
    d = rec.__dict__
    d.update(_DEFAULTS)
    d["raw"] = {}
    d.update(fields)
    return rec


_SLOW_PATH = hasattr(Record, "__post_init__") or hasattr(Record, "__slots__")


def arrange_languages(fields: dict[str, Any], primary: str = "") -> None:
    """Put the primary-language copy of title/abstract/authors/journal first and the other in `*_alt`.

    The primary language is `primary` when given, else the language of the main title (or abstract).
    A field is only moved when the record is bilingual (it has both copies, or some `*_alt` field).
    `language` is kept when the source named it; `language_alt` is filled from the alt fields.

    Args:
        fields: Record keyword arguments, changed in place.
        primary: forced primary language, or "".
    """
    get = fields.get
    has_alt = get("title_alt") or get("abstract_alt") or get("authors_alt") or get("journal_alt")
    title = fields.get("title", "")
    if not has_alt:
        if not fields.get("language"):
            text = title or fields.get("abstract", "")
            if title and not text.isascii():
                text = title + " " + fields.get("abstract", "")[:500]
            fields["language"] = lang_of(text)
        return
    main = (
        primary
        or lang_of(title)
        or lang_of(fields.get("abstract", ""))
        or lang_of(fields.get("title_alt", ""))
    )
    alt_lang = ""
    for key, alt in _PAIRS:
        value, other = fields.get(key), fields.get(alt)
        lv = _lang(value)
        lo = _lang(other)
        if value and other:
            if lv != main and lo == main:
                fields[key], fields[alt] = other, value
                lv, lo = lo, lv
        elif value and lv and lv != main:
            fields[key], fields[alt] = type(value)(), value
            lo, lv = lv, ""
        elif other and lo == main:
            fields[key], fields[alt] = other, type(other)()
            lv, lo = lo, ""
        if fields.get(alt) and not alt_lang:
            alt_lang = lo
    if not fields.get("language") or primary:
        fields["language"] = main
    if not fields.get("language_alt"):
        fields["language_alt"] = alt_lang


def _lang(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, tuple | list):
        value = " ".join(value)
    return lang_of(str(value))

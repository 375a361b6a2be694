"""Provides the records of the corpus: bibliographic records, stored documents, imports, search hits."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Record:
    """One bibliographic item as read from an export file, before it is stored.

    The main language fields (`title`, `abstract`, `authors`, `journal`) hold the record's
    primary metadata; the `*_alt` fields hold a second-language copy where the record has one
    (Chinese papers usually carry Chinese and English metadata side by side).
    """

    title: str = ""
    """Title in the record's primary language."""
    abstract: str = ""
    """Abstract text (may be empty)."""
    authors: tuple[str, ...] = ()
    """Authors as written in the source ("Family, Given" or "文嫮")."""
    year: int | None = None
    """Publication year."""
    journal: str = ""
    """Journal / source title."""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    """DOI without a resolver prefix, lower-cased."""
    keywords: tuple[str, ...] = ()
    language: str = ""
    """ISO 639-1 code of `title`/`abstract` ("en", "zh", ...); "" when unknown."""
    type: str = ""
    """Normalised item type: journal-article, book, chapter, conference-paper, thesis, report, newspaper, patent, standard, other."""
    title_alt: str = ""
    """Second-language title."""
    abstract_alt: str = ""
    authors_alt: tuple[str, ...] = ()
    journal_alt: str = ""
    language_alt: str = ""
    """Language of the `*_alt` fields."""
    url: str = ""
    key: str = ""
    """Identifier given by the source (WoS UT, PMID, Scopus EID, BibTeX key, RIS ID); "" if none."""
    source_format: str = ""
    """Name of the importer that read the record (e.g. "ris")."""
    source_file: str = ""
    source_line: int | None = None
    """1-based line of the file where the record starts."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The record's fields as the source gave them (JSON-serialisable)."""


@dataclass(frozen=True)
class SkippedRecord:
    """A record an importer could not read, reported instead of raised under --skip-bad."""

    path: str
    line: int | None
    reason: str
    record: int | None = None

    def __str__(self) -> str:
        where = self.path + (f", line {self.line}" if self.line is not None else "")
        if self.record is not None:
            where += f" (record {self.record})"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class Document(Record):
    """A stored document: the fields of its (merged) record, with its project id, key and import time.

    A `Record` as the project keeps it, not a second model: `key` here is the project's stable key
    (the DOI or a generated author-year-word key), `raw` the raw record of its first source (filled
    only by `store.documents.get`), and `source_line` is unused.
    """

    id: int
    """The document's id in the project."""
    key: str = ""
    """The project's stable key (the DOI, or author-year-word)."""
    imported_at: str = ""
    """When it was first imported (ISO 8601, UTC)."""

    @property
    def display_title(self) -> str:
        """The title, or the second-language title when the first is empty."""
        return self.title or self.title_alt

    def to_record(self) -> Record:
        """The document's bibliographic fields as a plain `Record` (for merging duplicates)."""
        values = {f.name: getattr(self, f.name) for f in fields(Record) if f.name not in ("key", "source_line")}
        return Record(**values)


@dataclass(frozen=True)
class DocumentSource:
    """One imported record that became (or was merged into) a document."""

    id: int
    document_id: int
    import_id: int | None
    source_format: str
    source_file: str
    source_line: int | None
    source_key: str
    duplicate_of_existing: bool
    match_reason: str
    similarity: float | None
    imported_at: str


@dataclass(frozen=True)
class DocumentVersion:
    """Another text of a coded field, kept aside so that codings stay on the words they were made on."""

    document_id: int
    field: str
    """"title", "abstract", "title_alt" or "abstract_alt"."""
    version: int
    """2, 3 ...: version 1 is the coded text in the document itself."""
    text: str
    source: str
    """Where the text came from ("import of refs.ris", "merge of document 40")."""
    created_at: str


@dataclass(frozen=True)
class ImportRun:
    """One run of `reviewkit import` over one file."""

    id: int
    path: str
    format: str
    sha256: str
    started_at: str
    finished_at: str | None
    records: int
    added: int
    merged: int
    skipped: int
    skipped_detail: tuple[str, ...] = ()
    database: str = ""
    """The database the file came from, as its content says ("Scopus"; "" when it does not say)."""


@dataclass(frozen=True)
class ImportTotals:
    """Counts over every import run and the corpus (for the methods report)."""

    imports: int
    records: int
    added: int
    merged: int
    skipped: int
    documents: int
    passages: int


@dataclass(frozen=True)
class CorpusStats:
    """Counts of a project's corpus (`reviewkit stats`, the methods report)."""

    documents: int
    records_imported: int
    duplicates_merged: int
    records_skipped: int
    imports: int
    with_abstract: int
    bilingual: int
    years: list[int]
    by_year: list[tuple[int | None, int]]
    by_language: dict[str, int]
    by_format: dict[str, int]
    passages: int
    suggestions: int
    codings: int
    killed_runs: int = 0
    """Tagger runs killed before they finished (`reviewkit code` resumes their work)."""
    unindexed: int = 0
    """Documents not in the full-text index yet (the next search indexes them)."""

    def to_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready mapping."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class DocumentStatus:
    """One row of a page of documents, with a coder's review status under a codebook version."""

    id: int
    year: int | None
    first_author: str
    title: str
    suggested: int
    """Suggestions whose score reaches the threshold."""
    pending: int
    """Of those, how many the coder has not decided yet."""
    passages: int = 0
    """The document's passages."""
    done: int = 0
    """Of those, how many the coder marked done (all of them: the coder reviewed the document)."""
    assigned: bool = False
    """The document is assigned to the listing coder (`reviewkit assign`); such documents come first."""

    @property
    def reviewed(self) -> bool:
        """The coder marked every passage done (the document is reviewed by them)."""
        return self.passages > 0 and self.done >= self.passages


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents a page of documents shows."""

    query: str = ""
    """Full-text query ("" for all)."""
    year_min: int | None = None
    year_max: int | None = None
    code: str = ""
    """A code id or group prefix: documents with it suggested or accepted."""
    status: str = ""
    """pending, done or none ("" for any)."""
    mine_only: bool = False
    """The code filter counts only the listing coder's accepted codes (blind mode), not every coder's."""
    assigned: bool | None = None
    """True: only documents assigned to the listing coder; False: only those not assigned to them."""
    document_ids: frozenset[int] | None = None
    """Only these documents (the screening scope, `reviewkit.project.scope`); None: every document."""


@dataclass(frozen=True)
class SearchHit:
    """A full-text search result."""

    id: int
    key: str
    year: int | None
    title: str
    title_alt: str
    authors: tuple[str, ...]
    rank: float
    """FTS5 rank: lower is better."""
    snippet: str
    """Part of the abstract around the matches, each match between MATCH_START and MATCH_END."""


MATCH_START = "\x02"
"""Marks the start of a matched word in `SearchHit.snippet` (front ends style or strip it)."""
MATCH_END = "\x03"
"""Marks the end of a matched word in `SearchHit.snippet`."""

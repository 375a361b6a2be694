"""Provides the column-name aliases of CSV/TSV exports (Scopus, WoS, Embase, ASReview, Zotero, CNKI)."""

from __future__ import annotations

import re

# Record field -> header names (normalised: lower case, single spaces), best first.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "article title",
        "document title",
        "item title",
        "display_name",
        "primary_title",
        "primary title",
        "ti",
        "t1",
        "题名",
        "篇名",
        "标题",
        "中文题名",
        "中文篇名",
    ),
    "abstract": ("abstract", "abstract note", "ab", "n2", "摘要", "中文摘要"),
    "authors": (
        "authors",
        "author names",
        "author/s",
        "authorships.author.display_name",
        "author_names",
        "author full names",
        "author",
        "af",
        "au",
        "a1",
        "creators",
        "作者",
        "中文作者",
    ),
    "year": (
        "year",
        "publication year",
        "publication_year",
        "py",
        "pubyear",
        "year published",
        "published year",
        "出版年",
        "年",
        "年份",
        "发表时间",
        "date",
        "publication date",
    ),
    "journal": (
        "source title",
        "journal",
        "publication title",
        "journal title",
        "journal_name",
        "journal name",
        "journal/book",
        "primary_location.source.display_name",
        "host_venue.display_name",
        "so",
        "jo",
        "secondary_title",
        "alternate_title3",
        "刊名",
        "期刊",
        "来源",
        "文献来源",
        "source",
        "publication",
    ),
    "volume": ("volume", "vl", "vol", "journal volume", "biblio.volume", "卷"),
    "issue": ("issue", "issue number", "journal issue", "biblio.issue", "is", "number", "no", "期"),
    "pages": ("pages", "page", "pagination", "pg", "页码"),
    "page_start": ("page start", "start page", "start_page", "biblio.first_page", "bp", "sp"),
    "page_end": ("page end", "end page", "end_page", "biblio.last_page", "ep"),
    "article_number": ("art. no.", "article number", "ar"),
    "doi": ("doi", "item doi", "di", "do", "ids.doi"),
    "keywords": ("author keywords", "keywords", "de", "kw", "manual tags", "关键词", "中文关键词"),
    "keywords_extra": ("index keywords", "keywords plus", "automatic tags", "ieee terms", "mesh terms"),
    "language": ("language of original document", "language", "la", "语种"),
    "type": (
        "document type",
        "type_of_reference",
        "item type",
        "content type",
        "publication type",
        "reference type",
        "dt",
        "ty",
        "type",
        "文献类型",
    ),
    "key": (
        "eid",
        "lens id",
        "publication id",
        "ut (unique wos id)",
        "ut",
        "pmid",
        "pubmed id",
        "covidence #",
        "accession number",
        "an",
        "key",
        "record_id",
        "id",
    ),
    "url": ("link", "url", "open url link", "ur", "链接"),
    "title_alt": (
        "title_alt",
        "translated title",
        "english title",
        "英文题名",
        "英文篇名",
        "英文标题",
        "original title",
        "tt",
    ),
    "abstract_alt": (
        "abstract_alt",
        "translated abstract",
        "english abstract",
        "英文摘要",
        "original abstract",
    ),
    "authors_alt": ("authors_alt", "translated authors", "english authors", "英文作者"),
    "journal_alt": ("journal_alt", "translated journal", "english journal", "英文刊名"),
}
TITLE_LIKE = frozenset(ALIASES["title"])
# Scopus' "Source" column holds the database name, not the journal.
NOT_JOURNALS = frozenset({"scopus", "web of science", "pubmed", "embase", "medline"})
# Checks used to find where a ragged row's extra fields were inserted.
VALIDATORS: dict[str, re.Pattern[str]] = {
    "year": re.compile(r"^(1[5-9]|20)\d\d$"),
    "doi": re.compile(r"^10\.\d{3,9}/"),
    "eid": re.compile(r"^2-s2\.0-\d+$"),
    "link": re.compile(r"^https?://"),
    "page start": re.compile(r"^[A-Za-z]?\d+$"),
    "page end": re.compile(r"^[A-Za-z]?\d+$"),
    "page count": re.compile(r"^\d+$"),
    "cited by": re.compile(r"^\d+$"),
    "pubmed id": re.compile(r"^\d+$"),
    "issn": re.compile(r"^[\dXx-]{8,9}$"),
    "language of original document": re.compile(r"^[A-Z][a-z]+(; [A-Z][a-z]+)*$"),
    "source": re.compile(r"^(Scopus|Web of Science|PubMed|Embase)$"),
    "publication stage": re.compile(r"^(Final|Article in Press)$"),
    "document type": re.compile(r"^[A-Z][a-z]+( [a-zA-Z]+)*$"),
}


def norm_header(name: str) -> str:
    """Lower-case a header cell, drop a BOM and quotes, collapse spaces."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().strip('"').lower())


def map_columns(header: list[str]) -> dict[str, int]:
    """Field name -> index of the best matching column (first alias that is present wins)."""
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(norm_header(h), i)
    out: dict[str, int] = {}
    for fieldname, names in ALIASES.items():
        for n in names:
            if n in index:
                out[fieldname] = index[n]
                break
    if "bp" in index and out.get("pages") == index.get("pg"):
        del out["pages"]  # Web of Science's tab-delimited PG is the page count; its pages are BP-EP
    return out


def insertion_point(header: list[str], row: list[str]) -> int:
    """Where the extra unnamed fields of a too-long row were inserted (columns after it shift right).

    Scopus writes "Funding Text 2, 3..." without headers after "Funding Text 1"; otherwise the
    position that makes most recognisable columns (year, DOI, EID, language...) valid wins.
    """
    extra = len(row) - len(header)
    names = [norm_header(h) for h in header]
    funding = [i for i, n in enumerate(names) if re.fullmatch(r"funding text \d+", n)]
    if funding:
        return funding[-1] + 1
    checks = [(i, VALIDATORS[n]) for i, n in enumerate(names) if n in VALIDATORS]
    best, best_score = len(header), -1
    for p in range(len(header), -1, -1):
        score = 0
        for i, pattern in checks:
            value = row[i if i < p else i + extra].strip()
            if value:
                score += 1 if pattern.match(value) else -1
        if score > best_score:
            best, best_score = p, score
    return best

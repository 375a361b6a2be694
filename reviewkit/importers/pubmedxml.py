"""Provides the PubMed XML importer (``<PubmedArticleSet>``: PubMed's "XML" download, efetch output),
articles and book chapters, read with lxml without DTDs, entities or network access."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.endnotexml import parse_xml
from reviewkit.importers.normalise import norm_doi, norm_language, norm_pages, norm_type, norm_year
from reviewkit.registry import importers

_SNIFF = re.compile(r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle)\b")


def _text(el: Any) -> str:
    """The text of `el` with its inline markup (``<i>``, ``<sup>``) dropped and spaces collapsed."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _first(root: Any, *paths: str) -> str:
    for path in paths:
        for el in root.iterfind(path):
            if value := _text(el):
                return value
    return ""


def _abstract(el: Any) -> str:
    """Each ``AbstractText`` a paragraph, a structured abstract's label as ``LABEL:``."""
    if el is None:
        return ""
    parts = []
    for text in el.iterfind("AbstractText"):
        body = _text(text)
        label = (text.get("Label") or "").strip()
        if body:
            parts.append(f"{label}: {body}" if label else body)
    return "\n".join(parts)


def _authors(root: Any, path: str) -> tuple[str, ...]:
    names: list[str] = []
    for author in root.iterfind(path):
        last, fore = _first(author, "LastName"), _first(author, "ForeName") or _first(author, "Initials")
        name = f"{last}, {fore}" if last and fore else last or _first(author, "CollectiveName")
        if name:
            names.append(name)
    return tuple(names)


def _doi(article: Any, data: Any) -> str:
    for el in article.iterfind(".//ELocationID"):
        if el.get("EIdType") == "doi" and (doi := norm_doi(_text(el))):
            return doi
    if data is not None:
        for el in data.iterfind("ArticleIdList/ArticleId"):
            if el.get("IdType") == "doi" and (doi := norm_doi(_text(el))):
                return doi
    return ""


def _raw(node: Any, kinds: list[str]) -> dict[str, Any]:
    """A compact, JSON-ready copy: the article's identifiers and publication types (not its whole XML,
    whose reference lists would make the project file grow by tens of kilobytes a record)."""
    ids = {el.get("IdType") or "id": _text(el) for el in node.iterfind(".//ArticleIdList/ArticleId")}
    raw: dict[str, Any] = {"PMID": _first(node, ".//PMID"), "ArticleIds": ids}
    if kinds:
        raw["PublicationTypes"] = kinds
    return raw


def article_fields(node: Any) -> dict[str, Any]:
    """Map one ``PubmedArticle`` or ``PubmedBookArticle`` to Record keyword arguments."""
    citation = node.find("MedlineCitation")
    if citation is None:
        return _book_fields(node)
    article = citation.find("Article")
    if article is None:
        article = etree.Element("Article")
    kinds = [_text(k) for k in article.iterfind("PublicationTypeList/PublicationType")]
    keywords = [_text(k) for k in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")]
    keywords += [_text(k) for k in citation.iterfind("KeywordList/Keyword")]
    fields: dict[str, Any] = {
        "title": _first(article, "ArticleTitle"),
        "abstract": _abstract(article.find("Abstract")),
        "authors": _authors(article, "AuthorList/Author"),
        "year": norm_year(
            _first(article, "Journal/JournalIssue/PubDate/Year", "Journal/JournalIssue/PubDate/MedlineDate")
            or _first(article, "ArticleDate/Year")
        ),
        "journal": _first(article, "Journal/Title", "Journal/ISOAbbreviation"),
        "volume": _first(article, "Journal/JournalIssue/Volume"),
        "issue": _first(article, "Journal/JournalIssue/Issue"),
        "pages": norm_pages(_first(article, "Pagination/MedlinePgn")),
        "doi": _doi(article, node.find("PubmedData")),
        "keywords": tuple(dict.fromkeys(k for k in keywords if k)),
        "language": norm_language(_first(article, "Language")),
        "type": "journal-article" if not kinds or "Journal Article" in kinds else norm_type(kinds[0]),
        "key": _first(citation, "PMID"),
        "raw": _raw(node, kinds),
    }
    if vernacular := _first(article, "VernacularTitle"):
        fields["title_alt"] = vernacular
    other = citation.find("OtherAbstract")
    if other is not None and (text := _abstract(other)):
        fields["abstract_alt"] = text
    return fields


def _book_fields(node: Any) -> dict[str, Any]:
    """A PubMed book or chapter (``PubmedBookArticle/BookDocument``)."""
    doc = node.find("BookDocument")
    if doc is None:
        doc = etree.Element("BookDocument")
    title = _first(doc, "ArticleTitle") or _first(doc, "Book/BookTitle")
    return {
        "title": title,
        "abstract": _abstract(doc.find("Abstract")),
        "authors": _authors(doc, "AuthorList/Author") or _authors(doc, "Book/AuthorList/Author"),
        "year": norm_year(_first(doc, "Book/PubDate/Year", "Book/PubDate/MedlineDate")),
        "journal": _first(doc, "Book/BookTitle") if _first(doc, "ArticleTitle") else "",
        "doi": _doi(doc, node.find("PubmedBookData")),
        "language": norm_language(_first(doc, "Language")),
        "type": "chapter" if _first(doc, "ArticleTitle") else "book",
        "key": _first(doc, "PMID"),
        "raw": _raw(node, []),
    }


@importers.register("pubmedxml.v1")
class PubmedXmlImporter(Importer):
    """PubMed XML (``<PubmedArticleSet>`` with ``<PubmedArticle>`` and ``<PubmedBookArticle>``)."""

    name = "pubmedxml"
    suffixes = ("xml",)

    def sniff(self, head: str) -> int:
        """Sure on a ``<PubmedArticleSet>`` or ``<PubmedArticle>`` element."""
        return 96 if head.lstrip("\ufeff \t\r\n").startswith("<") and _SNIFF.search(head[:20000]) else 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse the document safely and add each article (bad XML is reported with its line)."""
        root = parse_xml(text, ctx)
        if root is None:
            return
        nodes = [root] if root.tag in ("PubmedArticle", "PubmedBookArticle") else list(root)
        number = 0
        for node in nodes:
            if node.tag not in ("PubmedArticle", "PubmedBookArticle"):
                continue
            number += 1
            line = node.sourceline
            ctx.add(article_fields(node), line if isinstance(line, int) else None, number)

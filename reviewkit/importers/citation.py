"""Provides the citation-text importer: abstract paragraphs followed by GB/T 7714 reference lines.

A file holds one or more papers. Each paper is an optional ``Abstract:``/``摘要：`` paragraph (and
``Keywords:``/``关键词：`` line) followed by its reference line(s); a Chinese and an English line
that follow each other and agree on year/volume/issue/pages describe the same paper. Papers are
separated by blank lines or a new abstract header. A plain reference list works too.

The primary fields are in the language of the abstract (the seed: English abstract, so the English
title/authors/journal are primary and the Chinese ones go to the ``*_alt`` fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.gbt7714 import _MARK, Reference, parse_reference
from reviewkit.importers.normalise import lang_of, split_list
from reviewkit.registry import importers

_ABSTRACT = re.compile(
    r"^\s*(?:[【\[]\s*(?:摘\s*要|Abstract|ABSTRACT)\s*[】\]]|(?:Abstract|ABSTRACT|摘\s*要)\s*(?:[:：]|$))\s*(?P<text>.*)$"
)
_KEYWORDS = re.compile(
    r"^\s*[【\[]?\s*(?:Key\s*words?|KEY\s*WORDS?|Keywords|关键词|关键字)\s*[】\]]?\s*[:：]\s*(?P<text>.+)$",
    re.I,
)


@dataclass
class _Paper:
    line: int
    abstracts: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    refs: list[Reference] = field(default_factory=list)

    def accepts(self, ref: Reference) -> bool:
        """True when `ref` belongs to this paper (first line, or the other-language twin)."""
        if not self.refs:
            return True
        if len(self.refs) > 1:
            return False
        first = self.refs[0]
        return first.language != ref.language and first.agrees_with(ref)


def _fields(paper: _Paper) -> tuple[dict[str, Any], str]:
    """Record fields and the primary language of one paper."""
    by_lang: dict[str, Reference] = {}
    for ref in paper.refs:
        by_lang.setdefault(ref.language, ref)
    abstracts: dict[str, str] = {}
    for text in paper.abstracts:
        lang = lang_of(text)
        abstracts[lang] = (abstracts[lang] + "\n" + text) if lang in abstracts else text
    primary = lang_of(paper.abstracts[0]) if paper.abstracts else paper.refs[0].language
    if primary not in by_lang:
        primary = paper.refs[0].language
    main = by_lang[primary]
    alt = next((r for r in paper.refs if r is not main), None)
    other_abstracts = [t for lang, t in abstracts.items() if lang != primary]

    def pick(attr: str) -> Any:
        value = getattr(main, attr)
        return value if value or alt is None else getattr(alt, attr)

    fields: dict[str, Any] = {
        "title": main.title,
        "abstract": abstracts.get(primary, ""),
        "authors": main.authors,
        "year": pick("year"),
        "journal": main.source,
        "volume": pick("volume"),
        "issue": pick("issue"),
        "pages": pick("pages"),
        "doi": pick("doi"),
        "url": pick("url"),
        "keywords": tuple(dict.fromkeys(k for line in paper.keywords for k in split_list(line, ";；,，"))),
        "type": main.type if main.mark or alt is None or not alt.mark else alt.type,
        "raw": {
            "abstracts": paper.abstracts,
            "references": [r.text for r in paper.refs],
            "et_al": any(r.et_al for r in paper.refs),
        },
    }
    if main.publisher or (alt and alt.publisher):
        fields["raw"]["publisher"] = main.publisher or (alt.publisher if alt else "")
    if alt is not None:
        fields.update(
            title_alt=alt.title, authors_alt=alt.authors, journal_alt=alt.source, language_alt=alt.language
        )
    if other_abstracts:
        fields["abstract_alt"] = other_abstracts[0]
        fields.setdefault("language_alt", lang_of(other_abstracts[0]))
    fields["language"] = primary
    return fields, primary


@importers.register("citation.v1")
class CitationImporter(Importer):
    """Plain citation text: an abstract and GB/T 7714 reference lines (Chinese and/or English)."""

    name = "citation"
    suffixes = ("txt",)

    def sniff(self, head: str) -> int:
        """Never for a table (CSV/TSV); likely when the text starts with an abstract header or holds GB/T 7714 lines."""
        lines = [ln for ln in head.split("\n")[:200] if ln.strip()]
        if not lines or _tabular(lines):
            return 0
        refs = sum(1 for ln in lines if parse_reference(ln) is not None)
        if _ABSTRACT.match(lines[0]) and refs:
            return 80
        if refs and refs >= max(1, len(lines) // 3):
            return 70 if any(_MARK.search(ln.replace("［", "[").replace("］", "]")) for ln in lines) else 50
        if _ABSTRACT.match(lines[0]):
            return 30
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Group lines into papers and turn each into a Record."""
        number = 0
        paper: _Paper | None = None

        def close() -> None:
            nonlocal paper, number
            if paper is None:
                return
            done, paper = paper, None
            number += 1
            if not done.refs:
                ctx.fail(
                    done.line,
                    "abstract is not followed by a GB/T 7714 reference "
                    "line (authors. title[J]. journal, year, volume(issue): pages)",
                    number,
                )
                return
            fields, primary = _fields(done)
            ctx.add(fields, done.line, number, primary=primary)

        for no, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                if paper is not None and paper.refs:
                    close()
                continue
            m = _ABSTRACT.match(line)
            if m:
                body = m.group("text").strip()
                lang = lang_of(body)
                if paper is not None and (paper.refs or any(lang_of(a) == lang for a in paper.abstracts)):
                    close()
                if paper is None:
                    paper = _Paper(no)
                if body:
                    paper.abstracts.append(body)
                continue
            m = _KEYWORDS.match(line)
            if m:
                if paper is None:
                    paper = _Paper(no)
                paper.keywords.append(m.group("text"))
                continue
            ref = parse_reference(line, no)
            if ref is not None:
                if paper is not None and not paper.accepts(ref):
                    close()
                if paper is None:
                    paper = _Paper(no)
                paper.refs.append(ref)
                continue
            if paper is not None and not paper.refs:
                if paper.abstracts:
                    paper.abstracts[-1] += "\n" + line.strip()
                else:
                    paper.abstracts.append(line.strip())
                continue
            close()
            number += 1
            ctx.fail(no, f"not a GB/T 7714 reference line: {line.strip()[:60]!r}", number)
        close()


def _tabular(lines: list[str]) -> bool:
    """True when the first lines look like a delimited table: a header of 3+ short cells, rows alike."""
    import csv

    first = lines[0]
    for delim in (",", "\t", ";"):
        if first.count(delim) < 2:
            continue
        try:
            rows = list(csv.reader(lines[:2], delimiter=delim))
        except csv.Error:
            continue
        header = rows[0]
        if len(header) < 3 or not all(0 < len(h.strip()) <= 40 and ". " not in h for h in header):
            continue
        if len(rows) == 1 or len(rows[1]) == len(header):
            return True
    return False

"""Provides `RecordView`, one record for screening with the protocol's terms highlighted, and `criteria_terms`."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from reviewkit.records import Document

_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{3,}")
_STOP = frozenset(
    "also about after among and are been being between both from have include included includes "
    "including into more must only other over such than that their them then there these they this "
    "those through under very were what when where which while with within without studies study "
    "paper papers article articles".split()
)
MARK = "bold black on yellow"
"""The style of a highlighted criteria term."""


def criteria_terms(criteria: str) -> list[str]:
    """The terms of the inclusion criteria to highlight: English words (4+ letters, no stop words) and Chinese words.

    English words match case-insensitively at a word start, with any ending ("cluster" marks
    "clusters"); Chinese runs are split into words with jieba (2+ characters) and match as substrings.
    """
    words = {w.lower() for w in _WORD.findall(criteria) if w.lower() not in _STOP}
    zh: set[str] = set()
    runs = _CJK.findall(criteria)
    if runs:
        import jieba

        for run in runs:
            zh.update(w for w in jieba.lcut(run) if len(w) >= 2)
    return sorted(words) + sorted(zh, key=lambda w: (-len(w), w))


def term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """One regular expression matching any term (None without terms)."""
    if not terms:
        return None
    latin = [re.escape(t) for t in terms if not _CJK.search(t)]
    chinese = [re.escape(t) for t in terms if _CJK.search(t)]
    parts = []
    if latin:
        parts.append(r"\b(?:" + "|".join(sorted(latin, key=len, reverse=True)) + r")\w*")
    if chinese:
        parts.append("|".join(chinese))
    return re.compile("|".join(parts), re.IGNORECASE)


def highlighted(text: str, pattern: re.Pattern[str] | None, style: str = "") -> Text:
    """`text` with every match of `pattern` marked."""
    out = Text(text, style=style)
    if pattern is not None:
        out.highlight_regex(pattern, MARK)
    return out


class RecordView(Static):
    """One record: titles, authors, journal, year, keywords and abstracts (both languages), terms marked."""

    def show(self, doc: Document | None, pattern: re.Pattern[str] | None, extra: str = "") -> None:
        """Render a document (None: `extra` alone, e.g. "ranking…" or "all screened")."""
        if doc is None:
            self.update(Text(extra, style="italic"))
            return
        parts: list[RenderableType] = [highlighted(doc.title or "(no title)", pattern, "bold")]
        if doc.title_alt:
            parts.append(highlighted(doc.title_alt, pattern, "bold"))
        authors = "; ".join(doc.authors) or "; ".join(doc.authors_alt) or "(no authors)"
        journal = " / ".join(j for j in (doc.journal, doc.journal_alt) if j) or "(no journal)"
        parts.append(Text(f"{authors}\n{journal} · {doc.year or 'n.d.'} · {doc.key}", style="dim"))
        if doc.keywords:
            parts.append(highlighted("keywords: " + "; ".join(doc.keywords), pattern, "italic"))
        parts.append(Text(""))
        parts.append(highlighted(doc.abstract or "(no abstract)", pattern))
        if doc.abstract_alt:
            parts.append(Text(""))
            parts.append(highlighted(doc.abstract_alt, pattern))
        if extra:
            parts.append(Text(""))
            parts.append(Text(extra, style="italic"))
        self.update(Group(*parts))

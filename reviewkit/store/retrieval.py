"""Provides the code-retrieval queries of the passages part (`CodedPassages`) and passage-level search.

A page is ordered by document year, document id and passage order, filtered by words that must
each match the passage text, the document key or title, or the year (``2005``, ``2003-2007``).
The units of a page are a coder's accepted passages (latest decision across the versions of a
codebook), the tagger's suggestions at or above threshold, or a given set of passage ids (the
consensus rule is computed by the caller). `match_passages` runs an FTS5 query over a few
passages in a private in-memory index, so the hits and snippets follow the project search's syntax.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from reviewkit.records import MATCH_END, MATCH_START, Passage, PassageContext
from reviewkit.store.base import Part
from reviewkit.store.text import _HOW, QuerySyntaxError, fts_text, unspace_cjk

_WORD_GAP = re.compile(f"(?<=[A-Za-z0-9]{MATCH_END}) (?={MATCH_START}[A-Za-z0-9])")
_YEARS = re.compile(r"^(\d{4})(?:\s*(?:-|–|\.\.)\s*(\d{4}))?$")
_COLUMNS = 'p.id, p.document_id, p.field, p.seq, p.start, p."end", p.text, p.lang, d.key, d.title, d.year'


def _words_filter(words: str) -> tuple[list[str], list[Any]]:
    """SQL conditions for the filter words: each word matches text, key or title (LIKE), or the year."""
    where: list[str] = []
    args: list[Any] = []
    for word in words.split():
        years = _YEARS.match(word)
        if years:
            first, last = int(years.group(1)), int(years.group(2) or years.group(1))
            where.append("(d.year BETWEEN ? AND ? OR p.text LIKE ? OR d.key LIKE ?)")
            args += [min(first, last), max(first, last), f"%{word}%", f"%{word}%"]
            continue
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(p.text LIKE ? ESCAPE '\\' OR d.key LIKE ? ESCAPE '\\' OR d.title LIKE ? ESCAPE '\\' "
            "OR d.title_alt LIKE ? ESCAPE '\\')"
        )
        args += [like] * 4
    return where, args


class CodedPassages(Part):
    """The code-retrieval queries of `reviewkit.store.passages.Passages` (kept in this module)."""

    def _units(
        self,
        code_id: str,
        *,
        codebook_id: int,
        codebook_name: str,
        coder: str | None,
        passage_ids: Sequence[int] | None,
    ) -> tuple[str, str, list[Any]]:
        """FROM clause, condition and arguments selecting the passages that carry the code under the source."""
        joined = "passages p JOIN documents d ON d.id = p.document_id"
        if passage_ids is not None:
            ids = json.dumps([int(i) for i in passage_ids])
            return joined, "p.id IN (SELECT value FROM json_each(?))", [ids]
        if coder is not None:
            return (
                joined,
                "p.id IN (SELECT passage_id FROM (SELECT c.passage_id, c.status, ROW_NUMBER() OVER ("
                "PARTITION BY c.passage_id ORDER BY c.decided_at DESC, c.id DESC) AS rn FROM codings c "
                "WHERE c.code_id = ? AND c.coder = ? AND c.codebook_id IN "
                "(SELECT id FROM codebooks WHERE name = ?)) WHERE rn = 1 AND status = 'accepted')",
                [code_id, coder, codebook_name],
            )
        # suggestions first (their code index), one row per passage (UNIQUE passage, codebook, code)
        return (
            "suggestions s CROSS JOIN passages p ON p.id = s.passage_id JOIN documents d ON d.id = p.document_id",
            "s.codebook_id = ? AND s.code_id = ? AND s.score >= s.threshold",
            [codebook_id, code_id],
        )

    def coded_page(
        self,
        code_id: str,
        *,
        codebook_id: int,
        codebook_name: str,
        coder: str | None = None,
        passage_ids: Sequence[int] | None = None,
        words: str = "",
        offset: int = 0,
        limit: int = 100,
    ) -> list[PassageContext]:
        """One page of the passages carrying a code, with their document's key, title and year.

        Args:
            code_id: the code.
            codebook_id: the version whose suggestions count (source ``suggested``).
            codebook_name: the codebook (decisions count across its versions).
            coder: a coder's accepted passages (latest decision); None with no ids: suggestions.
            passage_ids: exactly these passages (e.g. the consensus rule's accepted ones).
            words: filter words (each must match text, key, title or year; ``2003-2007`` is a range).
            offset: rows to skip.
            limit: rows to return.
        """
        source, cond, args = self._units(
            code_id,
            codebook_id=codebook_id,
            codebook_name=codebook_name,
            coder=coder,
            passage_ids=passage_ids,
        )
        where, more = _words_filter(words)
        sql = (
            f"SELECT {_COLUMNS} FROM {source} WHERE {' AND '.join([cond, *where])} "
            "ORDER BY d.year, d.id, p.seq, p.start LIMIT ? OFFSET ?"
        )
        from reviewkit.store.passages import passage  # (passages.py builds its part on this class)

        cur = self.db.execute(sql, [*args, *more, limit, offset])
        return [PassageContext(passage(r[:8]), r[8], r[9] or "", r[10]) for r in cur]

    def coded_count(
        self,
        code_id: str,
        *,
        codebook_id: int,
        codebook_name: str,
        coder: str | None = None,
        passage_ids: Sequence[int] | None = None,
        words: str = "",
    ) -> int:
        """How many passages `coded_page` pages through (same arguments)."""
        source, cond, args = self._units(
            code_id,
            codebook_id=codebook_id,
            codebook_name=codebook_name,
            coder=coder,
            passage_ids=passage_ids,
        )
        where, more = _words_filter(words)
        sql = f"SELECT COUNT(*) FROM {source} WHERE {' AND '.join([cond, *where])}"
        return int(self.db.execute(sql, [*args, *more]).fetchone()[0])


def _unspace(snippet: str) -> str:
    """Undo `fts_text` in a snippet, keeping the space between two highlighted English words."""
    return unspace_cjk(_WORD_GAP.sub("\x01", snippet)).replace("\x01", " ")


def match_passages(passages: Sequence[Passage], match: str, query: str = "") -> list[tuple[int, str]]:
    """The passages an FTS5 MATCH expression finds, best first, each with a snippet of the hit.

    The passages are indexed in a private in-memory database with the project index's tokenizer
    (Chinese characters spaced apart, as `fts_text` does), so a query means the same as in
    ``reviewkit search``. Snippets mark matches with `MATCH_START`/`MATCH_END`.

    Args:
        passages: the passages to search (a page of documents' passages).
        match: the MATCH expression (`reviewkit.store.text.fts_query`).
        query: what the user typed (for the error message).

    Raises:
        QuerySyntaxError: SQLite cannot run the expression.
    """
    if not passages or not match:
        return []
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE hits USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        conn.executemany(
            "INSERT INTO hits (rowid, text) VALUES (?, ?)",
            [(int(p.id or 0), fts_text(p.text)) for p in passages],
        )
        try:
            cur = conn.execute(
                f"SELECT rowid, snippet(hits, 0, '{MATCH_START}', '{MATCH_END}', '…', 32) FROM hits "
                "WHERE hits MATCH ? ORDER BY rank",
                [match],
            )
            return [(int(r[0]), _unspace(r[1] or "")) for r in cur]
        except sqlite3.OperationalError as exc:
            raise QuerySyntaxError(f"Cannot run the search {query or match!r} ({exc}). {_HOW}") from exc
    finally:
        conn.close()

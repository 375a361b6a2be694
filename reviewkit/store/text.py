"""Provides the text keys of the store: normalised titles for duplicate detection and the FTS5 text and queries."""

from __future__ import annotations

import re
import unicodedata

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NON_WORD = re.compile(r"[^\w\u3400-\u4dbf\u4e00-\u9fff]+")
_FTS_TOKEN = re.compile(r'"[^"]*"|\S+')
_FTS_OPERATORS = {"AND", "OR", "NOT"}


def normalize_title(title: str) -> str:
    """Lower-case, NFKC, punctuation removed, spaces collapsed: the key for duplicate detection."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def fts_text(text: str) -> str:
    """Text as indexed: every CJK character becomes its own token, so any Chinese substring matches."""
    if not text or text.isascii():
        return text or ""
    return _CJK_RUN.sub(_space_run, text)


def _space_run(match: re.Match[str]) -> str:
    return " " + " ".join(match.group()) + " "


_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\[\]\x02\x03]) (?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\[\]\x02\x03])"
)


def unspace_cjk(text: str) -> str:
    """Undo `fts_text` in a snippet: remove the spaces put between Chinese characters."""
    return _CJK_GAP.sub("", re.sub(r" {2,}", " ", text)).strip()


def fts_query(query: str) -> str:
    """Turn what a user types into an FTS5 MATCH expression.

    Words are ANDed; "quoted phrases" stay phrases; a run of Chinese characters becomes a phrase
    of single characters (matching the index); a trailing * is a prefix search; AND/OR/NOT pass through.
    """
    parts: list[str] = []
    for token in _FTS_TOKEN.findall(query.strip()):
        if token in _FTS_OPERATORS:
            parts.append(token)
            continue
        prefix = token.endswith("*") and len(token) > 1
        body = token.strip('"').rstrip("*") if not token.startswith('"') else token.strip('"')
        words = fts_text(body).replace('"', " ").split()
        words = [w for w in (_NON_WORD.sub(" ", w).strip() for w in words) for w in w.split() if w]
        if not words:
            continue
        phrase = '"' + " ".join(words) + '"'
        parts.append(phrase + ("*" if prefix and not token.startswith('"') else ""))
    return " ".join(parts)

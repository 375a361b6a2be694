"""Provides the text keys of the store: normalised titles for duplicate detection and the FTS5 text and queries."""

from __future__ import annotations

import re
import unicodedata

from reviewkit.errors import StoreError

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NON_WORD = re.compile(r"[^\w\u3400-\u4dbf\u4e00-\u9fff]+")
_FTS_TOKEN = re.compile(r'"[^"]*"|\S+')
_FTS_OPERATORS = {"AND", "OR", "NOT"}


_ASCII_NON_WORD = str.maketrans({chr(i): " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")})
"""`_NON_WORD` for ASCII text, as a translation table (several times faster than the regex)."""


def normalize_title(title: str) -> str:
    """Lower-case, NFKC, punctuation removed, spaces collapsed: the key for duplicate detection."""
    if not title:
        return ""
    if title.isascii():  # (NFKC leaves ASCII as it is, and casefold is lower there: the common case skips both)
        return " ".join(title.lower().translate(_ASCII_NON_WORD).split())
    text = unicodedata.normalize("NFKC", title).casefold()
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


class QuerySyntaxError(StoreError):
    """A search the full-text index cannot run; the message says how to write it."""


_HOW = 'Words are ANDed; use OR between alternatives, "quotes" for a phrase, -word or NOT word to exclude.'


def fts_query(query: str, *, strict: bool = False) -> str:
    """Turn what a user types into an FTS5 MATCH expression.

    Words are ANDed; "quoted phrases" stay phrases; a run of Chinese characters becomes a phrase
    of single characters (matching the index); a trailing * is a prefix search; AND/OR/NOT pass
    through; ``-word`` excludes documents with that word (FTS5 ``NOT``).

    Args:
        query: what the user typed.
        strict: raise `QuerySyntaxError` on a malformed query (``cluster AND``, ``NOT cluster``);
            otherwise (search-as-you-type) dangling operators are left out.

    Raises:
        QuerySyntaxError: strict, and the query cannot be run; the message shows how to write it.
    """
    items: list[tuple[str, str]] = []  # ("op" | "term" | "neg", text)
    for token in _FTS_TOKEN.findall(query.strip()):
        if token in _FTS_OPERATORS:
            items.append(("op", token))
            continue
        kind = "term"
        if token.startswith("-") and len(token) > 1:
            kind, token = "neg", token[1:]
        phrase = _phrase(token)
        if phrase:
            items.append((kind, phrase))
    terms: list[tuple[str, str]] = []
    negatives: list[str] = []
    for i, (kind, text) in enumerate(items):
        if kind == "neg":
            negatives.append(text)
        elif kind == "term":
            terms.append((kind, text))
        elif not terms or terms[-1][0] == "op":
            if strict:
                raise QuerySyntaxError(_misplaced(query, text, first=not terms))
        elif i == len(items) - 1 or items[i + 1][0] != "term":
            if strict:
                raise QuerySyntaxError(
                    f"Malformed search {query!r}: {text} needs a word after it "
                    f"(e.g. 'cluster {text} upgrading'). {_HOW}"
                )
        else:
            terms.append((kind, text))
    if negatives and not terms:
        if strict:
            raise QuerySyntaxError(_misplaced(query, "NOT", first=True))
        return ""
    positive = " ".join(text for _, text in terms)
    if not negatives:
        return positive
    return f"({positive})" + "".join(f" NOT {n}" for n in negatives)


def _misplaced(query: str, op: str, *, first: bool) -> str:
    if op == "NOT" and first:
        return (
            f"Malformed search {query!r}: NOT (or -word) only excludes, so the search needs a word to find "
            f"first (e.g. 'cluster NOT upgrading' or 'cluster -upgrading'). {_HOW}"
        )
    where = "at the start" if first else "after another operator"
    return f"Malformed search {query!r}: {op} {where} needs a word before it (e.g. 'cluster {op} upgrading'). {_HOW}"


def _phrase(token: str) -> str:
    """One typed word or "phrase" as an FTS5 phrase (with * kept for a prefix search); '' when empty."""
    prefix = token.endswith("*") and len(token) > 1
    body = token.strip('"').rstrip("*") if not token.startswith('"') else token.strip('"')
    words = fts_text(body).replace('"', " ").split()
    words = [w for w in (_NON_WORD.sub(" ", w).strip() for w in words) for w in w.split() if w]
    if not words:
        return ""
    return '"' + " ".join(words) + '"' + ("*" if prefix and not token.startswith('"') else "")

"""Provides LaTeX-to-Unicode conversion of BibTeX field values (pylatexenc), NFC-normalised."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_NEEDS_LATEX = re.compile(r"[\\{}$~]|--")
_PERCENT = re.compile(r"(?<!\\)%")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter() -> Any:
    """A pylatexenc converter that also knows \\mbox, \\url, \\href, \\relax and keeps unknown macros' text."""
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )
    from pylatexenc.latexwalker import (
        get_default_latex_context_db as walker_db,
    )
    from pylatexenc.macrospec import MacroSpec

    text_db = get_default_latex_context_db()
    text_db.add_context_category(
        "reviewkit",
        prepend=True,
        macros=[
            MacroTextSpec("mbox", simplify_repl="%s"),
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("href", simplify_repl="%(2)s"),
            MacroTextSpec("relax", simplify_repl=""),
        ],
    )
    parse_db = walker_db()
    parse_db.add_context_category(
        "reviewkit", prepend=True, macros=[MacroSpec("href", "{{"), MacroSpec("url", "{")]
    )
    conv = LatexNodes2Text(latex_context=text_db, math_mode="text", strict_latex_spaces=True)
    return conv, parse_db


def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value into plain Unicode text, NFC-normalised, with whitespace collapsed.

    Accents in any form (``G\\'omez``, ``{\\'\\i}``, ``\\"{o}``), ``\\ldots``, ``\\textsuperscript{th}``,
    ``{\\relax MA}``, dashes (``--``), ties (``~``), protective braces and inline math become text.
    A bare ``%`` is a literal percent sign in BibTeX, not a comment. Only the words holding LaTeX
    are handed to pylatexenc (it reads character by character: a long abstract in one piece takes
    ~40 ms), so plain words cost nothing.

    Args:
        value: the field value as written between the braces or quotes.

    Returns:
        The text ("" for an empty value).
    """
    if not value:
        return ""
    if _NEEDS_LATEX.search(value):
        value = _strip_outer(value)
        value = "".join(_convert(chunk) if latex else chunk for latex, chunk in _chunks(value))
    value = _SPACE.sub(" ", value).strip()
    return value if value.isascii() else unicodedata.normalize("NFC", value)


_LATEX_WORD = re.compile(r"\S*(?:[\\{}$~]|--)\S*")
_NEXT_WORD = re.compile(r"\s+\S+")
_ENDS_IN_MACRO = re.compile(r"\\[A-Za-z]+$|\\[`'^\"~=.uvHcdbrtk]$")


def _chunks(value: str) -> list[tuple[bool, str]]:
    """Split `value` into (has LaTeX, text) pieces; plain words are left alone.

    A LaTeX piece is a word holding markup, extended over the following words until braces are
    balanced, math is closed and it does not end in a macro name (``\\c cois``, ``\\aa b``).
    """
    out: list[tuple[bool, str]] = []
    pos = 0
    n = len(value)
    for m in _LATEX_WORD.finditer(value):
        start, end = m.span()
        if start < pos:
            continue
        while end < n:
            piece = value[start:end]
            open_math = (piece.count("$") - piece.count("\\$")) & 1
            if piece.count("{") <= piece.count("}") and not open_math and not _ENDS_IN_MACRO.search(piece):
                break
            nxt = _NEXT_WORD.match(value, end)
            if nxt is None:
                end = n
                break
            end = nxt.end()
        out.append((False, value[pos:start]))
        out.append((True, value[start:end]))
        pos = end
    out.append((False, value[pos:]))
    return out


def _strip_outer(value: str) -> str:
    """Drop braces that wrap the whole value (WoS writes ``{{...}}``), so its words convert one by one."""
    value = value.strip()
    while len(value) >= 2 and value[0] == "{" and value[-1] == "}":
        depth = 0
        for i, ch in enumerate(value):
            depth += (ch == "{") - (ch == "}")
            if depth == 0 and i < len(value) - 1:
                return value
        value = value[1:-1].strip()
    return value


@lru_cache(maxsize=65536)
def _convert(chunk: str) -> str:
    if "\\" not in chunk and "$" not in chunk:  # only protective braces, ties and dashes: no parser needed
        chunk = chunk.replace("{", "").replace("}", "").replace("~", " ")
        return chunk.replace("---", "\u2014").replace("--", "\u2013")
    conv, parse_db = _converter()
    source = _PERCENT.sub(r"\\%", chunk)
    try:
        from pylatexenc.latexwalker import LatexWalker

        nodes = LatexWalker(source, latex_context=parse_db, tolerant_parsing=True).get_latex_nodes()[0]
        return str(conv.nodelist_to_text(nodes))
    except Exception:  # pylatexenc is tolerant; keep the braces-stripped text if it still fails
        return chunk.replace("{", "").replace("}", "").replace("~", " ")


def split_names(value: str) -> list[str]:
    """Split a BibTeX name list on `` and `` outside braces (``{Barnes and Noble}`` stays one name).

    Args:
        value: the raw author/editor value (LaTeX not yet converted).

    Returns:
        The names, stripped, without empty ones and without a final ``others``.
    """
    names: list[str] = []
    depth = 0
    start = 0
    lower = value.lower()
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch.isspace() and lower.startswith("and", i + 1) and i + 4 < n and value[i + 4].isspace():
            names.append(value[start:i])
            i += 5
            start = i
            continue
        i += 1
    names.append(value[start:])
    out = [name.strip() for name in names if name.strip()]
    if out and out[-1].lower() == "others":
        out.pop()
    return out

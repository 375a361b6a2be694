"""Provides `strip_markup`: the HTML and XML tags databases leave in titles and abstracts, removed.

Real exports carry markup inside their text fields: Lens and Dimensions pass on Crossref's JATS
(``<jats:p>``), PubMed's structured abstracts come through Lens as XML (``<AbstractText
Label="METHODS">``, ``<CopyrightInformation>``), publishers' rich text as HTML (``<i>``,
``<sub>2.5</sub>``, ``<scp>NLP</scp>``, ``<p dir="ltr">``, ``<br>``), Scopus its subscripts as
``<inf>2</inf>``, IEEE its formulas as ``<inline-formula><tex-math>``, and CSL-JSON as its own
HTML-like tags. Left in, the tags are coded as passage text, searched, exported, and they make two
records of one paper look different to duplicate detection (``<b>Short-term exposure ...</b>``
against ``Short-term exposure ...``). Only the tags named in `_TAG` are removed (so ``p < 0.05`` or
``a <-> b`` stay as they are); a structured abstract's label becomes ``LABEL:``, as PubMed writes it;
entities are decoded. The raw record keeps the text as the file had it.
"""

from __future__ import annotations

import html
import re

_LABEL = re.compile(r"""<AbstractText\b[^<>]*?\bLabel\s*=\s*["']([^"'<>]*)["'][^<>]*>""", re.I)
_TAG = re.compile(
    r"</?(?P<name>jats:[a-z-]+|mml:[a-z]+|AbstractText|CopyrightInformation|i|b|u|em|strong|sup|sub|inf|sc|scp|"
    r"small|span|p|br|div|h[1-6]|italic|bold|inline-formula|tex-math)\b[^<>]*/?>",
    re.I,
)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def strip_markup(text: str) -> str:
    """`text` without the markup databases leave in titles and abstracts (unchanged when it has none).

    >>> strip_markup('<b>Wildfire PM</b><sub>2.5</sub> and health &amp; care')
    'Wildfire PM2.5 and health & care'
    >>> strip_markup('<AbstractText Label="METHODS">We coded.</AbstractText><AbstractText Label="RESULTS">Fine.</AbstractText>')
    'METHODS: We coded. RESULTS: Fine.'
    >>> strip_markup('p < 0.05 for a <-> b')
    'p < 0.05 for a <-> b'
    >>> strip_markup('<jats:p>&lt;p dir="ltr"&gt;Objective&lt;/p&gt;&lt;p&gt;To test.&lt;/p&gt;</jats:p>')
    'Objective To test.'
    """
    if "<" not in text and "&" not in text:
        return text
    changed = False
    for _ in range(3):  # (Lens writes HTML escaped inside JATS: <jats:p>&lt;p&gt;...; unwrapped a layer at a time)
        tagged = "<" in text and _TAG.search(text) is not None
        if not tagged and not _ENTITY.search(text):
            break
        if tagged:
            text = _LABEL.sub(lambda m: f" {m.group(1).strip()}: ", text)
            text = _TAG.sub(_space_or_nothing, text)
        text, changed = html.unescape(text), True
    if not changed:
        return text
    text = text.replace("\r", " ")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


_INLINE = frozenset(
    {"i", "b", "u", "em", "strong", "sup", "sub", "inf", "sc", "scp", "small", "span", "italic", "bold", "tex-math"}
)


def _space_or_nothing(match: re.Match[str]) -> str:
    """Inline tags (``<sub>``, ``<i>``) vanish so that ``PM<sub>2.5</sub>`` stays one word; block tags leave a space."""
    return "" if match.group("name").lower() in _INLINE else " "


_CNKI_LEAD = re.compile(r"^(?:Abstract|ABSTRACT|摘要)\s*\n")


def cnki_breaks(text: str) -> str:
    r"""CNKI's line-break marker ``(#br)`` as a line break, the "Abstract" label it follows dropped,
    and CNKI's ``<正>`` mark (the "abstract" is the article's first lines) removed.

    CNKI writes them in every export format (EndNote, RefWorks, NoteExpress, E-Study, RIS): ``(#br)``
    where the source had a paragraph break (``Abstract(#br)We deal with ...``), ``<正>`` before text
    taken from the article's body.

    >>> cnki_breaks("Abstract(#br)We coded.(#br)RESULTS(#br)Fine.")
    'We coded.\nRESULTS\nFine.'
    >>> cnki_breaks("<正>苯妥英钠作为一种传统抗癫痫药物")
    '苯妥英钠作为一种传统抗癫痫药物'
    """
    if text.startswith("<正>"):
        text = text[3:].lstrip()
    if "(#br)" not in text:
        return text
    return _CNKI_LEAD.sub("", text.replace("(#br)", "\n").strip())

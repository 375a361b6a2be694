"""Provides the segmenter: document fields become sentence passages with offsets into the field text.

English (and other Latin-script) text is split by a cached ``spacy.blank("en")`` pipeline with a
sentencizer, followed by a few repairs ("et al. (2005)", "e.g. in", sentences that start in lower
case are glued back). Chinese text is split by rule on the sentence ends ``。！？；`` (and ``!?;``
between Chinese characters); mixed text is first cut at Chinese sentence ends and blank lines,
then every Latin chunk goes through the English sentencizer. Passages never exceed
`MAX_PASSAGE_CHARS`: longer runs are cut at the last space or comma before the limit.

Every span satisfies ``text == field_text[start:end]`` with surrounding whitespace (and control
characters) stripped, so passages can be highlighted in the original field. Publishers' copyright
and licence notices at the end of real abstracts ("© 2020 The Authors.", "Published by Elsevier
Ltd. All rights reserved.", PsycINFO's "(PsycINFO Database Record (c) 2019 APA, all rights
reserved)") are left out of the passages: they stay in the abstract, but nobody codes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reviewkit.lang import detect_language

MAX_PASSAGE_CHARS = 1000
"""Longest passage; longer sentences are split (at a space or comma where possible)."""

FIELDS = ("title", "abstract", "title_alt", "abstract_alt")
"""Document fields that are segmented, in passage order (titles are one passage each)."""

SEGMENTER_VERSION = "reviewkit.segmenter.v2"
"""v2: publishers' copyright and licence notices are not passages (`_notice`)."""

# Chinese sentence ends (full width) plus closing quotes/brackets that belong to the sentence.
_ZH_END = re.compile(r"[。！？；]+[”’」』）)\]】\"']*|(?<=[\u4e00-\u9fff])[!?;]+[”’」』）)\"']*")
# Paragraph breaks (blank lines) always end a passage.
_PARA = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# Characters stripped from passage edges: whitespace, control and zero-width characters.
_EDGE = " \t\r\n\f\v\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\u00a0\u200b\u3000\ufeff"
_LATIN_END = re.compile(r"[.!?]['\")\]]*\s")
_ABBREV = re.compile(
    r"(?:\bet al|\be\.g|\bi\.e|\bcf|\bvs|\betc|\bfig|\bfigs|\beq|\bno|\bpp|\bp|\bca|\bapprox|\bincl|\bresp|\bdr|\bprof|\bmr|\bms|\bst|\bvol|\bed|\beds)\.$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    """One passage of a field: offsets into the field's text, the text and its language."""

    field: str
    start: int
    end: int
    text: str
    lang: str


@lru_cache(maxsize=1)
def _english_nlp() -> Any:
    """The cached blank English pipeline with a sentencizer."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so that it neither starts nor ends with whitespace/control characters."""
    while start < end and (
        text[start] in _EDGE or not text[start].isprintable() and not text[start].isspace()
    ):
        start += 1
    while end > start and (
        text[end - 1] in _EDGE or not text[end - 1].isprintable() and not text[end - 1].isspace()
    ):
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a span longer than MAX_PASSAGE_CHARS at a comma or space before the limit."""
    while end - start > MAX_PASSAGE_CHARS:
        limit = start + MAX_PASSAGE_CHARS
        window = text[start + MAX_PASSAGE_CHARS // 2 : limit]
        cut = -1
        for sep in ("，", "、", ",", ";", " ", "\t", "\n"):
            pos = window.rfind(sep)
            if pos >= 0:
                cut = start + MAX_PASSAGE_CHARS // 2 + pos + 1
                break
        if cut <= start:
            cut = limit
        yield start, cut
        start = cut
    yield start, end


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """Cut `text` at paragraph breaks and Chinese sentence ends."""
    for para in _split_keep(_PARA, text, 0, len(text)):
        yield from _split_keep(_ZH_END, text, *para)


def _split_keep(pattern: re.Pattern[str], text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield the pieces of text[start:end] that end at (and include) each match of `pattern`."""
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.end() > pos:
            yield pos, m.end()
        pos = m.end()
    if pos < end:
        yield pos, end


def _latin_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a Latin-script chunk into sentences with the spaCy sentencizer (plus repairs)."""
    chunk = text[start:end]
    if not _LATIN_END.search(chunk):
        yield start, end
        return
    doc = _english_nlp()(chunk)
    spans: list[list[int]] = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        if spans and _glue(chunk, spans[-1], s, e):
            spans[-1][1] = e
        else:
            spans.append([s, e])
    for s, e in spans:
        yield start + s, start + e


def _glue(chunk: str, prev: list[int], s: int, e: int) -> bool:
    """True when the sentence chunk[s:e] continues the previous one (a sentencizer false split)."""
    before = chunk[prev[0] : prev[1]].rstrip()
    after = chunk[s:e].lstrip()
    if not after or not before:
        return True
    if before[-1] in "([{-–—,:;" or _ABBREV.search(before):
        return True
    first = next((c for c in after if c.isalnum()), "")
    return bool(first) and first.islower()


def segment_text(text: str) -> list[tuple[int, int]]:
    """Split one field's text into sentence spans.

    Args:
        text: the field text (any size, any script; control characters are tolerated).

    Returns:
        Sorted, non-overlapping (start, end) offsets with ``text[start:end]`` stripped of surrounding
        whitespace and never longer than `MAX_PASSAGE_CHARS`; empty for blank text.
    """
    if not text or not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    for c_start, c_end in _chunks(text):
        c_start, c_end = _strip(text, c_start, c_end)
        if c_start >= c_end:
            continue
        pieces = (
            _latin_sentences(text, c_start, c_end)
            if _has_latin_end(text, c_start, c_end)
            else [(c_start, c_end)]
        )
        for p_start, p_end in pieces:
            p_start, p_end = _strip(text, p_start, p_end)
            if p_start >= p_end:
                continue
            for s, e in _cut_long(text, p_start, p_end):
                s, e = _strip(text, s, e)
                if s < e and any(ch.isalnum() for ch in text[s:e]):
                    spans.append((s, e))
    return spans


# A passage that is only a publisher's notice: "© 2020 The Authors.", "Copyright © 2021 ...",
# "All rights reserved.", "Published by Elsevier Ltd.", "X published by John Wiley & Sons Ltd.".
_NOTICE = re.compile(
    r"(?:©|copyright\b|\(c\)\s*(?:19|20)\d\d|all rights reserved|this article is protected by copyright|版权所有"
    # EBSCO's notice after "Copyright of <journal> is the property of <publisher> ...":
    r"|however, users may print, download, or email|this abstract may be abridged|no warranty is given about the accuracy"
    r"|users should refer to the original published version|\(copyright applies to all abstracts)"
    r"|[^.]{0,160}\bpublished by\b[^.]{0,120}?\b(?:ltd|inc|llc|gmbh|b\.\s?v|elsevier|wiley|springer|taylor\s*&\s*francis"
    r"|informa|periodicals|on behalf of|limited|editora|sage|emerald|mdpi|frontiers|oxford university press"
    r"|cambridge university press)\b",
    re.IGNORECASE,
)
_NOTICE_MAX = 400
"""Longer passages are never taken for a notice, whatever they start with."""
# A database's notice at the end of a content sentence: "... care. (PsycINFO Database Record (c) 2019 APA, all rights reserved)".
# ... or a copyright line glued to the sentence before: "... robustness of the algorithm. (C) 2019 Elsevier B.V.",
# "... a bonding agent © 2018 The Academy of Dental Materials".
_TRAILING_NOTICE = re.compile(
    r"\s*\(\s*psycinfo database record\b[^()]*(?:\([^()]*\)[^()]*)*\)?\s*$"
    r"|\s(?:\(c\)|©|copyright\b)\s*©?\s*(?:(?:19|20)\d\d|the author)[^©]{0,250}$"
    r"|\s©\s*[A-Z][^©]{0,120}\b(?:19|20)\d\d\.?$"
    # EBSCO: "... outbreaks. [ABSTRACT FROM AUTHOR]\nCopyright of <journal> is the property of <publisher> and ..."
    r"|\s*\[abstract from (?:author|publisher)\](?:\s*copyright of\b.{0,300})?$|\scopyright of\b.{0,200}\bis the property of\b.{0,300}$",
    re.IGNORECASE,
)


def _notice(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without a trailing database notice; None when the whole span is a publisher's notice."""
    if end - start <= _NOTICE_MAX and _NOTICE.match(text, start, end):
        return None
    m = _TRAILING_NOTICE.search(text, start, end)
    if m is not None:
        start, end = _strip(text, start, m.start())
        if start >= end:
            return None
    return start, end


def _has_latin_end(text: str, start: int, end: int) -> bool:
    return _LATIN_END.search(text, start, end) is not None and end - start > 0


def segment_field(field: str, text: str) -> list[Segment]:
    """Segment one field: a title is one passage (cut only when too long), an abstract is sentences.

    Args:
        field: "title", "abstract", "title_alt" or "abstract_alt".
        text: the field's text.

    Returns:
        The field's segments, each with its detected language.
    """
    text = text or ""
    if field.startswith("title"):
        spans = []
        start, end = _strip(text, 0, len(text))
        for s, e in _cut_long(text, start, end) if start < end else []:
            s, e = _strip(text, s, e)
            if s < e and any(ch.isalnum() for ch in text[s:e]):
                spans.append((s, e))
    else:  # (an abstract's copyright and licence notices are not content: never passages)
        spans = [kept for s, e in segment_text(text) if (kept := _notice(text, s, e)) is not None]
    return [Segment(field, s, e, text[s:e], detect_language(text[s:e])) for s, e in spans]


def segment_document(doc: dict[str, Any], fields: Iterable[str] = FIELDS) -> list[Segment]:
    """Segment every non-empty field of a document row (title first, then abstract, then *_alt).

    Args:
        doc: a mapping with some of the keys in `fields` (missing keys count as empty).
        fields: which fields to segment, in order.

    Returns:
        The document's segments in passage order (their index is the passage ``seq``).
    """
    out: list[Segment] = []
    for name in fields:
        value = doc.get(name) or ""
        if isinstance(value, str) and value.strip():
            out.extend(segment_field(name, value))
    return out

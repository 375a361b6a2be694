"""Provides the small field normalisers shared by importers (DOI, year, pages, type, names, language)."""

from __future__ import annotations

import re
import unicodedata

from reviewkit.lang import detect_language

# A DOI runs to the next space; WoS writes old SICI DOIs with a space before "[" ("...024 [0141:SPOCMP]2.0.CO;2").
_DOI = re.compile(r"10\.\d{3,9}/\S+(?: \[\d{4}:\S+)?")
_SHORT_DOI = re.compile(r"(?:(?<=doi\.org/)|(?<![\w./]))10/(?=[a-z0-9]*[a-z])[a-z0-9]{3,}(?![\w/])", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")

_TYPE_CODES = {
    "jour": "journal-article",
    "jfull": "journal-article",
    "ejour": "journal-article",
    "mgzn": "journal-article",
    "inpr": "journal-article",
    "article": "journal-article",
    "j": "journal-article",
    "book": "book",
    "ebook": "book",
    "edbook": "book",
    "whole": "book",
    "m": "book",
    "chap": "chapter",
    "echap": "chapter",
    "inbook": "chapter",
    "incollection": "chapter",
    "conf": "conference-paper",
    "cpaper": "conference-paper",
    "inproceedings": "conference-paper",
    "proceedings": "conference-paper",
    "c": "conference-paper",
    "thes": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "d": "thesis",
    "rprt": "report",
    "techreport": "report",
    "r": "report",
    "news": "newspaper",
    "n": "newspaper",
    "pat": "patent",
    "p": "patent",
    "stand": "standard",
    "s": "standard",
}
# Checked in order against the lower-cased type text; the first word found decides.
_TYPE_WORDS = (
    ("newspaper", "newspaper"),
    ("报纸", "newspaper"),
    ("patent", "patent"),
    ("专利", "patent"),
    ("standard", "standard"),
    ("标准", "standard"),
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("学位", "thesis"),
    ("博士", "thesis"),
    ("硕士", "thesis"),
    ("conference", "conference-paper"),
    ("proceedings", "conference-paper"),
    ("会议", "conference-paper"),
    ("book section", "chapter"),
    ("chapter", "chapter"),
    ("report", "report"),
    ("报告", "report"),
    ("journal", "journal-article"),
    ("article", "journal-article"),
    ("review", "journal-article"),
    ("期刊", "journal-article"),
    ("book", "book"),
    ("图书", "book"),
)
_LANGUAGES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
    "zh": "zh",
    "chi": "zh",
    "zho": "zh",
    "chinese": "zh",
    "中文": "zh",
    "汉语": "zh",
    "ru": "ru",
    "rus": "ru",
    "russian": "ru",
    "de": "de",
    "ger": "de",
    "deu": "de",
    "german": "de",
    "fr": "fr",
    "fre": "fr",
    "fra": "fr",
    "french": "fr",
    "es": "es",
    "spa": "es",
    "spanish": "es",
    "ja": "ja",
    "jpn": "ja",
    "japanese": "ja",
}


def clean(value: object) -> str:
    """A source value as a stripped string ("" for None); lists are joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(clean(v) for v in value if clean(v))
    return str(value).strip()


def norm_doi(value: object) -> str:
    """DOI without resolver prefix, lower-cased ("" when none is found).

    Full-width forms (CNKI/Wanfang "１０．３９６９／...") are NFKC-folded to ASCII; a SICI DOI that
    WoS wrote with a space before "[" is joined again; short DOIs ("10/fqd6hj") are kept; a
    closing bracket or parenthesis is only cut when it is unbalanced in the DOI.
    """
    text = clean(value)
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    m = _DOI.search(text)
    if not m:
        short = _SHORT_DOI.search(text)
        return short.group(0).lower() if short else ""
    doi = m.group(0).replace(" [", "[")
    while doi and doi[-1] in ".,;)]":
        last = doi[-1]
        if last == ")" and doi.count("(") >= doi.count(")"):
            break
        if last == "]" and doi.count("[") >= doi.count("]"):
            break
        doi = doi[:-1]
    return doi.lower()


def norm_year(value: object) -> int | None:
    """The first plausible 4-digit year (1500-2099) in `value`, or None."""
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    m = _YEAR.search(clean(value))
    return int(m.group(1)) if m else None


_NO_PAGES = re.compile(r"^\(?(?:no[- ]?specified|no pagination|not specified|nan|n/?a|null|none)\)?$", re.I)


def norm_pages(start: object, end: object = "") -> str:
    """Pages as "21-25" (or "21-25,18" for CNKI's "21-25+18"); "" when none.

    Placeholders are no pages: Ovid's "No-Specified", Embase's "(no pagination)", pandas' "nan".
    """
    s = clean(start).replace("--", "-").replace("–", "-").replace("+", ",")
    e = clean(end).replace("+", ",")
    s = "" if _NO_PAGES.match(s) else s
    e = "" if _NO_PAGES.match(e) else e
    s = re.sub(r"\s*-\s*", "-", s)
    if s and e and e != s and "-" not in s:
        return f"{s}-{e}"
    return s or e


def norm_type(value: object) -> str:
    """Map a source's item type (RIS code, BibTeX entry type, "Journal Article", "期刊"...) to ours."""
    if value.__class__ is str:  # (a file has few distinct types: each is worked out once)
        known = _TYPE_SEEN.get(value)
        if known is None:
            known = _norm_type(value)
            if len(_TYPE_SEEN) < 4096:  # (bounded: a hostile file cannot grow it without end)
                _TYPE_SEEN[value] = known
        return known
    return _norm_type(value)


_TYPE_SEEN: dict[str, str] = {}


def _norm_type(value: object) -> str:
    text = clean(value).lower()
    if not text:
        return ""
    code = _TYPE_CODES.get(text.strip("[]"))
    if code:
        return code
    for word, kind in _TYPE_WORDS:
        if word in text:
            return kind
    return "other"


def norm_language(value: object) -> str:
    """ISO 639-1 code for a source's language field ("English", "eng", "中文"...), "" if unknown."""
    text = clean(value).lower().strip(" ;,.")
    if not text:
        return ""
    first = re.split(r"[;,/]", text)[0].strip()
    return _LANGUAGES.get(first, "")


def split_list(value: object, seps: str = ";") -> tuple[str, ...]:
    """Split a delimited string (or flatten a list) into a tuple of stripped, non-empty items."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        out: list[str] = []
        for v in value:
            out.extend(split_list(v, seps))
        return tuple(out)
    text = str(value)
    parts = re.split("[" + re.escape(seps) + "]", text) if len(seps) > 1 else text.split(seps)
    return tuple(p.strip() for p in parts if p.strip())


def lang_of(text: str) -> str:
    """Cheap language guess: "en" for plain ASCII letters, else `detect_language`."""
    if not text:
        return ""
    if text.isascii():
        return "en" if any(c.isalpha() for c in text[:200]) else ""
    return detect_language(text)

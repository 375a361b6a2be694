"""Provides a parser for GB/T 7714 reference lines (Chinese and English), journal articles above all.

Examples it reads::

    文嫮, 曾刚. 从地方到全球全球价值链框架下集群的升级研究[J]. 人文地理, 2005, 20(4): 21-25,18.
    WEN Hu, ZENG Gang. FROM LOCAL TO GLOBAL: THE CLUSTER ... CHAIN. HUMAN GEOGRAPHY, 2005, 20(4): 21-25,18.
    张三，李四，王五，等．题名[J]．刊名，2019(3)：1-9．
    SMITH J A, JONES K, et al. A title[J]. Journal, 2001, 12: 33-40.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewkit.importers.normalise import lang_of, norm_doi, norm_pages, norm_type

# Full-width punctuation -> ASCII, one character for one, so offsets stay aligned with the original.
_FW_PAIRS = {
    "，": ",",
    "：": ":",
    "（": "(",
    "）": ")",
    "．": ".",
    "。": ".",
    "［": "[",
    "］": "]",
    "；": ";",
    "／": "/",
    "　": " ",
}
_FULLWIDTH = str.maketrans(_FW_PAIRS)

_NUMBERING = re.compile(r"^\s*(?:\[\d+\]|［\d+］|\d{1,4}[.、)）]\s)\s*")
_MARK = re.compile(r"\[(?P<mark>[A-Z]{1,2}(?:/OL)?|EB/OL|DB/OL|CP/DK)\]")
_DOI_TAIL = re.compile(r"[.,;\s]*(?:DOI|doi)\s*[:：]?\s*(?P<doi>10\.\S+?)\s*\.?\s*$")
_URL = re.compile(r"https?://\S+")
_PUB_TAIL = re.compile(
    r"[,]\s*(?P<year>(?:1[5-9]|20)\d\d)(?:-\d{1,2}-\d{1,2})?[a-z]?"
    r"\s*(?:,\s*(?P<volume>[^,:()]{1,20}?))?"
    r"\s*(?:\(\s*(?P<issue>[^)]{1,20}?)\s*\))?"
    r"\s*(?::\s*(?P<pages>[A-Za-z]?\d[\dA-Za-z\-–~,+ ]*?))?"
    r"\s*\.?\s*$"
)
_SEP = re.compile(r"\.(?=\s|[^\x00-\x7f]|$)")
_INITIAL_NEXT = re.compile(r"^\s*[A-Z](?:\.|,|\s*$)")
_TITLE_END = re.compile(r"[.?!](?=\s|[^\x00-\x7f]|$)")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff·•]{2,8}$")
_LATIN_NAME = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’\-. ]{0,50}$")
_ET_AL = re.compile(r"^(?:等|et\s*al\.?|等\.?)$", re.I)


@dataclass(frozen=True)
class Reference:
    """One parsed GB/T 7714 reference line.

    Attributes:
        text: the line as given.
        line: 1-based line number in its file (0 when parsed alone).
        authors: names as written (``等``/``et al.`` removed).
        et_al: the list ended with ``等`` or ``et al.``.
        title: the title, punctuation as written.
        mark: the document type mark ("J", "M", "D", "C", "N", "R", "EB/OL"...; "" when absent).
        source: journal (or newspaper, or proceedings) name; "" for books and theses.
        publisher: "place: publisher" of books, theses and reports.
        year, volume, issue, pages, doi, url: publication details.
        language: "zh" or "en" (of the title).
    """

    text: str
    line: int
    authors: tuple[str, ...]
    et_al: bool
    title: str
    mark: str
    source: str
    publisher: str
    year: int | None
    volume: str
    issue: str
    pages: str
    doi: str
    url: str
    language: str

    @property
    def type(self) -> str:
        """Record type from the mark ("journal-article" for [J] or an unmarked journal line)."""
        if self.mark:
            return norm_type(self.mark.split("/")[0]) or "other"
        return "journal-article" if self.source else "other"

    def agrees_with(self, other: Reference) -> bool:
        """Same year, and volume/issue/pages equal where both give them (a zh/en pair of one paper)."""
        if self.year is None or self.year != other.year:
            return False
        for a, b in ((self.volume, other.volume), (self.issue, other.issue), (self.pages, other.pages)):
            if a and b and re.sub(r"\D", "", a) != re.sub(r"\D", "", b):
                return False
        return True


def _is_author(item: str) -> bool:
    item = item.strip()
    if _CJK_NAME.match(item):
        return True
    return bool(_LATIN_NAME.match(item)) and len(item.split()) <= 5


def split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Split an author list ("文嫮, 曾刚", "SMITH J, JONES K, et al") into names and an et-al flag."""
    items = [i.strip() for i in re.split(r"[,，、;；]", text) if i.strip()]
    et_al = False
    names: list[str] = []
    for item in items:
        if _ET_AL.match(item):
            et_al = True
            continue
        m = re.match(r"^(.*?)\s*(?:等|et\s*al\.?)$", item, re.I)
        if m and m.group(1):
            et_al = True
            item = m.group(1)
        names.append(item.strip().rstrip("."))
    return tuple(names), et_al


def _looks_like_authors(text: str) -> bool:
    names, et_al = split_authors(text)
    return bool(names or et_al) and all(_is_author(n) for n in names)


def _split_head(orig: str, mapped: str) -> tuple[tuple[str, ...], bool, str]:
    """Split "AUTHORS. TITLE" into (authors, et_al, title)."""
    for m in _SEP.finditer(mapped):
        prefix, rest = mapped[: m.start()], mapped[m.end() :]
        if not rest.strip() or _INITIAL_NEXT.match(rest):
            continue
        if _looks_like_authors(prefix):
            authors, et_al = split_authors(orig[: m.start()])
            return authors, et_al, orig[m.end() :].strip()
        break
    return (), False, orig.strip()


def parse_reference(text: str, line: int = 0) -> Reference | None:
    """Parse one GB/T 7714 reference line.

    Args:
        text: the line.
        line: its 1-based line number, kept in the result.

    Returns:
        The Reference, or None when the line is not a recognisable reference (no title, or
        neither a type mark like [J] nor a "year, volume(issue): pages" ending).
    """
    orig = _NUMBERING.sub("", text.strip())
    doi = url = ""
    m = _DOI_TAIL.search(orig)
    if m:
        doi, orig = norm_doi(m.group("doi")), orig[: m.start()]
    u = _URL.search(orig)
    if u:
        url = u.group(0).rstrip(".")
        orig = (orig[: u.start()] + orig[u.end() :]).rstrip()
    orig = orig.strip().rstrip(".。．").strip()
    mapped = orig.translate(_FULLWIDTH)
    tail = _PUB_TAIL.search(mapped)
    mark_m = _MARK.search(mapped)
    if tail is None and mark_m is None:
        return None
    if tail is not None and mark_m is None and not (tail["volume"] or tail["issue"] or tail["pages"]):
        return None
    front_end = tail.start() if tail is not None else len(mapped)
    if mark_m is not None and mark_m.start() < front_end:
        head_o, head_m = orig[: mark_m.start()], mapped[: mark_m.start()]
        rest = mapped[mark_m.end() : front_end]
        skip = len(rest) - len(rest.lstrip(" .,/"))
        source = orig[mark_m.end() + skip : front_end].strip()
        mark = mark_m.group("mark")
    else:
        mark = ""
        ends = list(_TITLE_END.finditer(mapped, 0, front_end))
        if not ends:
            return None
        cut = ends[-1]
        keep = cut.start() + (0 if mapped[cut.start()] == "." else 1)
        head_o, head_m = orig[:keep], mapped[:keep]
        source = orig[cut.end() : front_end].strip()
    authors, et_al, title = _split_head(head_o, head_m)
    title = title.strip().rstrip(".。．").strip()
    if not title:
        return None
    publisher = ""
    if mark and mark[0] in "MDRCSP" and ":" in source.translate(_FULLWIDTH):
        publisher, source = source, ""
    issue = (tail["issue"] or "").strip() if tail else ""
    pages = norm_pages((tail["pages"] or "").replace(" ", "")) if tail else ""
    if mark == "N" and issue and not pages:
        pages, issue = issue, ""
    return Reference(
        text=text.strip(),
        line=line,
        authors=authors,
        et_al=et_al,
        title=title,
        mark=mark,
        source=source,
        publisher=publisher,
        year=int(tail["year"]) if tail else None,
        volume=(tail["volume"] or "").strip() if tail else "",
        issue=issue,
        pages=pages,
        doi=doi,
        url=url,
        language=lang_of(title) or lang_of(source),
    )

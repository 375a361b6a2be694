"""Provides what an import works out from one record alone: its document key, title keys and stored rows.

`prepare` turns a parsed `Record` into a `Prepared` record: the fields duplicate detection asks
about, the filter keys of its titles (see `title_key`), the key it would get (`make_key`) and the
rows it would be written as. None of this needs the project, so a big file is prepared in a
worker process (`reviewkit.project.import_worker`) while the main process writes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from typing import Any, NamedTuple

from reviewkit.records import Record
from reviewkit.store.rows import document_values, source_values
from reviewkit.store.text import normalize_title

PREFIX = 12
"""Characters of the normalised title that the stored-title look-up shares (`Documents.title_candidates`)."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NAME_END = re.compile(r"[,\s]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


def _slug(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("", text.lower())


def _has_slug(text: str) -> bool:
    """``bool(_slug(text))``, without building the slug in the common (ASCII) case."""
    if text.isascii():
        return _ASCII_ALNUM.search(text) is not None
    return bool(_slug(text))


def make_key(rec: Record) -> str:
    """A stable, readable document key: the DOI, else author-year-word (like a BibTeX key)."""
    if rec.doi:
        return rec.doi
    authors = rec.authors if rec.authors and _has_slug(rec.authors[0]) else rec.authors_alt
    family = _slug(_NAME_END.split(authors[0].strip(), maxsplit=1)[0]) if authors else ""
    title = rec.title if _has_slug(rec.title) else rec.title_alt
    word = ""
    for w in title.lower().split():
        slug = w if w.isascii() and w.isalnum() else _slug(w)  # (the common case without a regex)
        if len(slug) > 3:
            word = slug
            break
    base = f"{family}{rec.year or ''}{word}"
    if len(base) < 6:
        digest = hashlib.sha1(f"{rec.title}|{rec.title_alt}|{rec.year}|{rec.authors}".encode()).hexdigest()
        base = f"doc-{digest[:10]}"
    return base


def key_suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa ... (BibTeX style)."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


_NUMBERS = re.compile(r"\d+")
_STEP = math.log(1 / 0.9)
"""Title lengths within 10 % share or neighbour a length class (see `title_key`)."""


_CLASSES = [0, *(int(math.log(n) / _STEP) for n in range(1, 1024))]
"""`_length_class` of the common lengths, worked out once."""


def _length_class(n: int) -> int:
    return _CLASSES[n] if n < 1024 else int(math.log(n) / _STEP)


def _key_base(year: int | None, norm: str) -> str:
    """The part of a title's filter key all its length classes share (see `title_key`)."""
    return f"{year}\x1f{norm[:PREFIX]}\x1f{' '.join(_NUMBERS.findall(norm))}\x1f"


def title_key(year: int | None, norm: str) -> tuple[str, int]:
    """(filter key, length class) of a normalised title: what any title `find_duplicate` merges with shares.

    `find_duplicate` merges by title only titles of the same year whose first `PREFIX` characters
    are equal (`Documents.title_candidates`) and that `dedupe.could_match`: equal, or the same
    numbers and a rapidfuzz ratio of at least 95, which needs lengths within about 10 % of each other,
    hence of the same or a neighbouring length class.

    The key is one string, year, prefix, numbers and length class joined by U+001F (which no
    normalised title holds): cheap to send from the worker process and to hash.
    """
    c = _length_class(len(norm))
    return f"{_key_base(year, norm)}{c}", c


def _title_keys(year: int | None, norm: str) -> tuple[str, ...]:
    """The filter keys a stored title that `find_duplicate` could merge with `norm` has (one per length class)."""
    base, c = _key_base(year, norm), _length_class(len(norm))
    return (f"{base}{c - 1}", f"{base}{c}", f"{base}{c + 1}")


class Prepared(NamedTuple):
    """One incoming record with everything worked out that does not depend on the project (see `prepare`)."""

    doi: str
    year: int | None
    norm: str
    """The normalised main title ("" when the record has none)."""
    short: bool
    """A title shorter than the prefix: always looked up (short-title rule, `title_candidates`)."""
    keys: tuple[str, ...]
    """The filter keys of stored titles that could match (see `title_key`)."""
    own: str | None
    """The filter key of the record's own main title."""
    key: str
    """`make_key` of the record (before a suffix makes it unique)."""
    values: tuple[Any, ...]
    """`reviewkit.store.writer.document_values` of the record."""
    source: tuple[Any, ...]
    """`reviewkit.store.writer.source_values` of the record (its raw fields as JSON)."""
    record: Record | None
    """The record itself; None when it came from a worker process (`to_record` rebuilds it)."""

    def to_record(self) -> Record:
        """The record (rebuilt from `values` and `source` when it came from a worker process)."""
        if self.record is not None:
            return self.record
        (title, abstract, authors, year, journal, volume, issue, pages, doi, type_, language, title_alt,
         abstract_alt, authors_alt, journal_alt, language_alt, keywords, url, fmt, file) = self.values  # fmt: skip
        _, _, line, key, raw = self.source
        return Record(
            title=title, abstract=abstract, authors=tuple(json.loads(authors)), year=year, journal=journal,
            volume=volume, issue=issue, pages=pages, doi=doi, keywords=tuple(json.loads(keywords)),
            language=language, type=type_, title_alt=title_alt, abstract_alt=abstract_alt,
            authors_alt=tuple(json.loads(authors_alt)), journal_alt=journal_alt, language_alt=language_alt,
            url=url, key=key, source_format=fmt, source_file=file, source_line=line, raw=json.loads(raw),
        )  # fmt: skip


def prepare(rec: Record, *, keep: bool = True) -> Prepared:
    """`rec` with its keys and rows worked out (`keep` False drops the record itself, for sending it elsewhere)."""
    norm = normalize_title(rec.title)
    short = False
    keys: tuple[str, ...] = ()
    own: str | None = None
    if norm:
        c = _length_class(len(norm))
        base = _key_base(rec.year, norm)
        own = f"{base}{c}"
        if len(norm) < PREFIX:
            short = True
        else:
            keys = (f"{base}{c - 1}", own, f"{base}{c + 1}")
    if rec.title_alt:
        alt = normalize_title(rec.title_alt)
        if 0 < len(alt) < PREFIX:
            short = True
        elif alt:
            keys += _title_keys(rec.year, alt)
    return Prepared(rec.doi, rec.year, norm, short, keys, own, make_key(rec), document_values(rec),
                    source_values(rec), rec if keep else None)  # fmt: skip

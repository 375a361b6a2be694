"""Provides the NoteExpress importer ({Reference Type}: ..., {Title}: ...), CNKI's .net export."""

from __future__ import annotations

import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import (
    lang_of,
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
    split_list,
)
from reviewkit.registry import importers

_TAG = re.compile(r"^\{(?P<tag>[^{}]{1,60})\}\s*[:：]\s?(?P<value>.*)$")
# Tags that hold the second-language copy, as CNKI and NoteExpress users write them.
_ALT = {
    "title_alt": (
        "Translated Title",
        "English Title",
        "Title (English)",
        "Title(English)",
        "Title Translation",
        "英文题名",
        "英文标题",
    ),
    "authors_alt": ("Translated Author", "English Author", "Author (English)", "Author(English)", "英文作者"),
    "abstract_alt": (
        "Translated Abstract",
        "English Abstract",
        "Abstract (English)",
        "Abstract(English)",
        "英文摘要",
    ),
    "journal_alt": (
        "Translated Journal",
        "English Journal",
        "Journal (English)",
        "Journal(English)",
        "英文刊名",
    ),
}
_KEYWORD_ALT = ("Translated Keywords", "English Keywords", "Keywords (English)", "英文关键词")


class _NeRecord:
    __slots__ = ("fields", "line", "number")

    def __init__(self, line: int, number: int) -> None:
        self.line = line
        self.number = number
        self.fields: dict[str, list[str]] = {}

    def all(self, *tags: str) -> list[str]:
        """Non-empty values of the given tags, in order."""
        return [v.strip() for t in tags for v in self.fields.get(t, []) if v.strip()]

    def get(self, *tags: str) -> str:
        """The first non-empty value of the given tags ("" if none)."""
        values = self.all(*tags)
        return values[0] if values else ""


def _text(value: str) -> str:
    value = value.replace("(#br)", "\n").strip()
    return re.sub(r"^(Abstract|ABSTRACT|摘要)\s*\n", "", value)


def _keywords(values: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        parts = split_list(value, ";；")
        if len(parts) <= 1:
            parts = split_list(value, ",，")
        out.extend(parts)
    return tuple(dict.fromkeys(out))


def split_noteexpress(lines: list[str]) -> tuple[list[_NeRecord], list[tuple[int, str]]]:
    """Split NoteExpress lines into records (blank lines or a new {Reference Type} separate them).

    Returns:
        (records, problems) where problems are (line, message) for untagged text outside records.
    """
    records: list[_NeRecord] = []
    problems: list[tuple[int, str]] = []
    current: _NeRecord | None = None
    last_tag = ""
    after_blank = False
    for no, line in enumerate(lines, 1):
        if not line.strip():
            after_blank = True
            continue
        m = _TAG.match(line)
        if m is None:
            if current is not None and last_tag:
                current.fields[last_tag][-1] += "\n" + line.strip()
                after_blank = False
            else:
                problems.append(
                    (no, f"line {no} is not a NoteExpress field ({{Title}}: ...): {line.strip()[:40]!r}")
                )
            continue
        tag = m.group("tag").strip().rstrip(",")
        if current is None or after_blank or (tag == "Reference Type" and tag in current.fields):
            current = _NeRecord(no, len(records) + 1)
            records.append(current)
        after_blank = False
        current.fields.setdefault(tag, []).append(m.group("value"))
        last_tag = tag
    return records, problems


def noteexpress_fields(rec: _NeRecord) -> dict[str, Any]:
    """Map one NoteExpress record to Record keyword arguments (bilingual CNKI fields to *_alt)."""
    titles = rec.all("Title")
    abstracts = [_text(a) for a in rec.all("Abstract")]
    journals = rec.all("Journal") or rec.all("Secondary Title")
    fields: dict[str, Any] = {
        "title": titles[0] if titles else "",
        "abstract": abstracts[0] if abstracts else "",
        "authors": split_list(rec.all("Author"), ";；"),
        "year": norm_year(rec.get("Year") or rec.get("Date")),
        "journal": journals[0] if journals else "",
        "volume": rec.get("Volume"),
        "issue": rec.get("Issue"),
        "pages": norm_pages(rec.get("Pages")),
        "doi": norm_doi(rec.get("DOI")),
        "keywords": _keywords(rec.all("Keywords")),
        "language": norm_language(rec.get("Language")),
        "type": norm_type(rec.get("Reference Type")) or "other",
        "url": rec.get("URL"),
        "key": rec.get("Accession Number", "Call Number"),
        "raw": {t: (v[0] if len(v) == 1 else v) for t, v in rec.fields.items()},
    }
    # A repeated {Title}/{Abstract}/{Journal} in another language is the second-language copy.
    for key, values in (("title_alt", titles), ("abstract_alt", abstracts), ("journal_alt", journals)):
        if len(values) > 1 and lang_of(values[1]) != lang_of(values[0]):
            fields[key] = values[1]
    for key, tags in _ALT.items():
        if key == "authors_alt":  # one {Translated Author} line per author (Wanfang), or "A; B"
            names = [n for v in rec.all(*tags) for n in split_list(v, ";；")]
            if names:
                fields[key] = tuple(names)
            continue
        value = rec.get(*tags)
        if value:
            fields[key] = _text(value)
    alt_kw = _keywords(rec.all(*_KEYWORD_ALT))
    if alt_kw:
        fields["raw"]["keywords_alt"] = list(alt_kw)
        fields["keywords"] = tuple(dict.fromkeys(fields["keywords"] + alt_kw))
    return fields


@importers.register("noteexpress.v1")
class NoteExpressImporter(Importer):
    """NoteExpress export (``{Reference Type}: Journal Article``), CNKI's .net files."""

    name = "noteexpress"
    suffixes = ("net", "txt")

    def sniff(self, head: str) -> int:
        """Sure on a ``{Reference Type}:`` or ``{Title}:`` line."""
        if re.search(r"^\{Reference Type\}\s*[:：]", head, re.M):
            return 97
        if len(re.findall(r"^\{(Title|Author|Journal|Year)\}\s*[:：]", head, re.M)) >= 2:
            return 85
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse NoteExpress records."""
        records, problems = split_noteexpress(text.split("\n"))
        ctx.add_in_order(records, problems, noteexpress_fields)

"""Provides a splitter for tagged line formats (WoS, MEDLINE, RefWorks): tag lines, continuations, records."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TaggedRecord:
    """One record of a tagged format: (tag, value lines) in file order.

    Attributes:
        line: 1-based line where the record starts.
        number: 1-based record number in the file.
        fields: tag -> list of values; each value is the list of its physical lines.
        closed: whether the end tag was seen.
        problems: (line, message) for lines that could not be read.
    """

    line: int
    number: int
    fields: dict[str, list[list[str]]] = field(default_factory=dict)
    closed: bool = False
    problems: list[tuple[int, str]] = field(default_factory=list)

    def lines_of(self, tag: str) -> list[str]:
        """All physical lines of all occurrences of `tag`, in order."""
        return [ln for value in self.fields.get(tag, []) for ln in value]

    def joined(self, tag: str, sep: str = " ") -> str:
        """First occurrence of `tag` with its continuation lines joined by `sep` ("" if absent)."""
        values = self.fields.get(tag)
        return sep.join(v.strip() for v in values[0] if v.strip()) if values else ""

    def each(self, tag: str, sep: str = " ") -> list[str]:
        """Every occurrence of `tag`, each joined with its continuations."""
        return [sep.join(v.strip() for v in value if v.strip()) for value in self.fields.get(tag, [])]

    def raw(self) -> dict[str, str | list[str]]:
        """JSON-ready copy: tag -> joined value, or list of values for repeated tags."""
        out: dict[str, str | list[str]] = {}
        for tag, values in self.fields.items():
            joined = ["\n".join(v) for v in values]
            out[tag] = joined[0] if len(joined) == 1 else joined
        return out


def split_tagged(
    lines: list[str],
    tag_re: re.Pattern[str],
    start_tags: frozenset[str],
    end_tag: str | None,
    continuation: Callable[[str], str | None],
    outside: frozenset[str] = frozenset(),
) -> list[TaggedRecord]:
    """Group tagged lines into records.

    With an `end_tag` (WoS "ER") a record runs from a start tag to the end tag; without one
    (MEDLINE, RefWorks) records are separated by blank lines or by a repeated start tag.

    Args:
        lines: the file's lines (LF-split).
        tag_re: matches a tag line, with groups "tag" and "value".
        start_tags: tags that open a record ("PT"; "PMID", "OWN"; "RT").
        end_tag: the end-of-record tag, or None.
        continuation: line -> the continued text, or None when it is no continuation line.
        outside: tags allowed between records (file headers such as FN, VR, EF).

    Returns:
        The records in file order, each with its lines, closed flag and problems.
    """
    records: list[TaggedRecord] = []
    current: TaggedRecord | None = None
    last: list[str] | None = None
    for no, line in enumerate(lines, 1):
        if not line.strip():
            if end_tag is None and current is not None:
                current.closed = True
                current = None
            last = None
            continue
        m = tag_re.match(line)
        if m is None:
            cont = continuation(line)
            if cont is not None and last is not None:
                last.append(cont)
            elif current is not None:
                current.problems.append((no, f"line {no} is neither a tagged field nor a continuation line"))
            else:
                bad = TaggedRecord(no, len(records) + 1, closed=True)
                bad.problems.append((no, f"unexpected text outside a record: {line.strip()[:40]!r}"))
                records.append(bad)
            continue
        tag, value = m.group("tag"), m.group("value") or ""
        if current is None:
            if tag in outside:
                last = None
                continue
            if tag == end_tag:
                continue
            current = TaggedRecord(no, len(records) + 1)
            records.append(current)
            if tag not in start_tags:
                current.problems.append((no, f"record does not start with {'/'.join(sorted(start_tags))}"))
        elif tag == end_tag:
            current.closed = True
            current = None
            last = None
            continue
        elif tag in start_tags and tag in current.fields:
            if end_tag is not None:
                current.problems.append(
                    (current.line, f"record not closed with {end_tag!r} before the next record at line {no}")
                )
            current.closed = end_tag is None
            current = TaggedRecord(no, len(records) + 1)
            records.append(current)
        last = [value]
        current.fields.setdefault(tag, []).append(last)
    if current is not None and end_tag is None:
        current.closed = True
    return records

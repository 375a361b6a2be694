"""Provides the RIS importer (parsing by rispy, with line numbers, BOM and truncation checks)."""

from __future__ import annotations

import re
from typing import Any

from reviewkit.importers.base import Importer, ParseContext
from reviewkit.importers.normalise import (
    clean,
    lang_of,
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
)
from reviewkit.registry import importers

_TAG = re.compile(r"^[A-Z][A-Z0-9]  -", re.M)
_TY = re.compile(r"^\s*TY  - ", re.M)
_ER = re.compile(r"^ER  -", re.M)
# Some writers (cnki-converter, an export in Zotero's RIS tests) put one space before the dash.
_TY_ONE_SPACE = re.compile(r"^\s*TY - \S", re.M)
_ONE_SPACE_TAG = re.compile(r"^([A-Z][A-Z0-9]) -( |$)")


# A line that tries to be a tag but has the wrong spacing ("TI-Innovation", "AU -Smith", "PY - 2020").
_BAD_TAG = re.compile(r"^[A-Z][A-Z0-9] ?-(?! )|^[A-Z][A-Z0-9] {0,1}- |^[A-Z][A-Z0-9] {3,}- ")
# Tags whose value never runs on over an untagged line: such a line is junk, not part of the value.
# (SN and UR do: a second ISSN or URL on the next line, as EndNote and Zotero write them.)
_SINGLE_LINE = frozenset(
    "TY ID AU A1 A2 A3 A4 PY Y1 DA DO VL IS SP EP LA ET".split()
)
# Every possible tag (a capital letter, then a capital letter or digit): one set look-up per line.
_TAGS = frozenset(a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# Tags that may repeat with one value each (EBSCO writes an English and a Chinese AB).
_REPEATED = frozenset({"AB", "N2"})


def _make_parser() -> Any:
    """A rispy parser that also records where each record starts and reports unclosed records."""
    import rispy

    class LineParser(rispy.RisParser):  # type: ignore[misc]
        """rispy's RisParser, keeping line numbers; TY/ER detection tolerant of leading space."""

        def __init__(self) -> None:
            mapping = dict(rispy.TAG_KEY_MAPPING)
            mapping["VO"] = "volume_alt"
            super().__init__(mapping=mapping, enforce_list_tags=True)

        def parse_numbered(
            self,
            lines: list[str],
            failures: list[tuple[int, str, int]],
            warnings: list[tuple[int, str, int]],
            ty_required: bool = True,
            first_line: int = 1,
            first_number: int = 0,
        ) -> list[tuple[dict[str, Any], int, int]]:
            """Parse `lines` into (entry, start line, record number).

            Records without ``TY`` or ``ER`` go to `failures`; junk lines inside a record (untagged
            text after a one-line tag, malformed tags) are left out of the record, kept in its
            ``unparsed_lines`` and listed in `warnings`. Tagged lines after ``ER`` that are not
            followed by their own ``ER`` (Ovid's ``NL  -``) are kept in the previous record's raw
            ``after_end`` instead of swallowing the next record. With `ty_required` False (a file
            whose writer never puts ``TY``, such as CiteSource's export) any tag opens a record.
            `first_line` and `first_number` number a later chunk of a streamed file (the records
            before it are counted in `first_number`); `self.count` holds the last record number.
            """
            out: list[tuple[dict[str, Any], int, int]] = []
            record: dict[str, Any] | None = None
            stray: list[tuple[int, str]] = []
            start = 0
            last_tag: str | None = None
            count = first_number
            mapping = self.mapping
            list_tags = frozenset(self.list_tags)
            special = frozenset(self.delimiter_map) | frozenset(self.ignore)
            # The tags of most lines, looked up once: single-valued (first value kept) and list-valued.
            # TY, ER, delimited, ignored, repeatable (AB) and unknown tags take the general path below.
            plain = {t: n for t, n in mapping.items() if t not in special and t not in _REPEATED and t not in ("TY", "ER")}
            single = {t: n for t, n in plain.items() if t not in list_tags}
            listed = {t: n for t, n in plain.items() if t in list_tags}

            def end_stray() -> None:
                if stray and out:
                    out[-1][0].setdefault("after_end", []).extend(text for _, text in stray)
                elif stray:
                    failures.append((stray[0][0], "text before the first 'TY  -' looks like a broken record", 0))
                stray.clear()

            for no, line in enumerate(lines, first_line):
                if record is None:
                    stripped = line.lstrip()
                    if stripped.startswith("TY  -"):
                        end_stray()
                        count += 1
                        record = {"type_of_reference": stripped[6:].strip()}
                        start = no
                        last_tag = None
                        continue
                    if stripped.startswith("ER  -") or stripped.rstrip() == "ER":
                        if stray:
                            count += 1
                            failures.append((stray[0][0], "RIS record does not start with 'TY  -'", count))
                            stray.clear()
                        continue
                    if not stripped or not _TAG.match(stripped):
                        continue
                    if ty_required:
                        stray.append((no, stripped.rstrip()))
                        continue
                    count += 1  # no TY anywhere in the file: this tag opens the record
                    record = {"type_of_reference": ""}
                    start = no
                    last_tag = None
                    line = stripped
                # rispy's RisParser.parse_line, inlined: this loop runs once per line of the file.
                if line[2:5] == "  -":  # the common lines first, with one look-up each
                    tag = line[:2]
                    name = single.get(tag)
                    if name is not None:
                        last_tag = tag
                        if name not in record:
                            record[name] = line[6:].strip()
                        continue
                    name = listed.get(tag)
                    if name is not None:
                        last_tag = tag
                        values = record.get(name)
                        if values is None:
                            record[name] = [line[6:].strip()]
                        else:
                            values.append(line[6:].strip())
                        continue
                if line[2:5] == "  -" and line[:2] in _TAGS:
                    tag = line[:2]
                    content = line[6:].strip()
                else:
                    content = line.strip()
                    if not content:
                        continue
                    bad_tag = _BAD_TAG.match(content) is not None and content[:2] in mapping
                    if bad_tag or last_tag is None or last_tag in _SINGLE_LINE:
                        why = "malformed RIS tag" if bad_tag else "untagged line"
                        warnings.append(
                            (no, f"{why} {content[:40]!r} left out of the record (kept in its raw data)", count)
                        )
                        record.setdefault("unparsed_lines", []).append(content)
                        continue
                    self._continue(record, last_tag, content)
                    continue
                if tag == "ER":
                    out.append((record, start, count))
                    record = None
                    continue
                if tag == "TY":
                    failures.append(
                        (
                            start,
                            f"RIS record not closed with 'ER  -' before the next 'TY  -' at line {no}",
                            count,
                        )
                    )
                    count += 1
                    record = {"type_of_reference": content}
                    start = no
                    last_tag = None
                    continue
                last_tag = tag
                # The common cases of rispy's RisParser._add_tag (enforce_list_tags=True), inlined.
                name = mapping.get(tag)
                if name is None or tag in special:
                    self._add_tag(record, tag, content)
                elif tag in list_tags:
                    values = record.get(name)
                    if values is None:
                        record[name] = [content]
                    else:
                        values.append(content)
                elif name not in record:
                    record[name] = content
                elif tag in _REPEATED:
                    record.setdefault(name + "_more", []).append(content)
            if record is not None:
                failures.append((start, "RIS record not closed with 'ER  -' before end of file", count))
            end_stray()
            self.count = count
            return out

        def _continue(self, record: dict[str, Any], tag: str, content: str) -> None:
            """Add an untagged continuation line to the value of `tag` (its last occurrence)."""
            name = self.mapping.get(tag)
            delimiter = self.delimiter_map.get(tag)
            if delimiter and name in record and isinstance(record[name], list):
                record[name].extend(v.strip() for v in content.split(delimiter) if v.strip())
                return
            if name is None or delimiter or name not in record:
                unknown = record.setdefault("unknown_tag", {}).setdefault(tag, [])
                if unknown:
                    unknown[-1] = f"{unknown[-1]} {content}"
                else:
                    unknown.append(content)
                return
            if tag in _REPEATED and record.get(name + "_more"):
                more = record[name + "_more"]
                more[-1] = f"{more[-1]} {content}"
            elif isinstance(record[name], list):
                record[name].append(content)
            else:
                record[name] = f"{record[name]} {content}"

    return LineParser()


def _one_space(lines: list[str]) -> bool:
    """Whether these lines write their tags ``TY - JOUR`` (one space before the dash) and never ``TY  - ``."""
    return any(_TY_ONE_SPACE.match(ln) for ln in lines) and not any(_TAG.match(ln) for ln in lines)


def _first(value: Any) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, list):
        return str(value[0]).strip() if value else ""
    return clean(value)


def _jsonable(entry: dict[str, Any]) -> dict[str, Any]:
    unknown = entry.get("unknown_tag")
    if unknown is not None:
        entry["unknown_tag"] = dict(unknown)
    return entry


def _abstracts(first: str, more: list[str]) -> tuple[str, str]:
    """(abstract, abstract in another language): every AB kept; same-language ones are joined."""
    main_lang = lang_of(first)
    main: list[str] = [first]
    alt: list[str] = []
    for text in more:
        lang = lang_of(text)
        (alt if lang and main_lang and lang != main_lang else main).append(text)
    return "\n".join(t for t in main if t), "\n".join(alt)


def entry_to_fields(e: dict[str, Any]) -> dict[str, Any]:
    """Map one rispy entry (rispy's field names) to Record keyword arguments.

    This runs once per record of possibly huge files, so it avoids needless calls.
    """
    get = e.get
    authors = get("authors") or get("first_authors") or ()
    title = _first(get("title") or get("primary_title") or get("short_title") or "")
    secondary = _first(get("secondary_title") or "")
    named_journal = _first(get("journal_name") or get("alternate_title3") or get("alternate_title2") or "")
    title_alt = ""
    if secondary and named_journal and secondary != named_journal and lang_of(secondary) != lang_of(title):
        title_alt = secondary  # EBSCO: T1 in the original language, T2 the English title, JO the journal
    journal = named_journal or secondary or _first(get("alternate_title1") or "")
    abstract, abstract_alt = _first(get("abstract") or get("notes_abstract") or ""), ""
    more = (get("abstract_more") or []) + (get("notes_abstract_more") or [])
    if more:
        abstract, abstract_alt = _abstracts(abstract, more)
    urls = get("urls")
    year = get("year") or get("publication_year") or get("date") or ""
    start, end = get("start_page", ""), get("end_page", "")
    doi = get("doi")
    if not doi:  # EBSCO writes the DOI in L3
        unknown = get("unknown_tag") or {}
        doi = next((norm_doi(v) for v in unknown.get("L3", ()) if norm_doi(v)), "")
    fields: dict[str, Any] = {
        "title": title,
        "abstract": abstract,
        "authors": tuple(authors),
        "year": int(year) if year.__class__ is str and len(year) == 4 and year.isdigit() else norm_year(year),
        "journal": journal,
        "volume": _first(get("volume") or get("volume_alt") or ""),
        "issue": _first(get("number", "")),
        "pages": f"{start}-{end}"
        if start and end and start.isdigit() and end.isdigit()
        else norm_pages(start, end),
        "doi": norm_doi(doi) if doi else "",
        "keywords": tuple(get("keywords", ())),
        "type": norm_type(get("type_of_reference")),
        "url": urls[0] if urls else "",
        "key": _first(get("id") or get("accession_number") or ""),
        "raw": _jsonable(e),
    }
    if abstract_alt:
        fields["abstract_alt"] = abstract_alt
    lang = get("language")
    if lang:
        fields["language"] = norm_language(lang)
    if get("translated_title"):
        fields["title_alt"] = _first(get("translated_title"))
    elif title_alt:
        fields["title_alt"] = title_alt
    if get("translated_author"):
        fields["authors_alt"] = tuple(
            a.strip() for a in _first(get("translated_author")).split(";") if a.strip()
        )
    return fields


@importers.register("ris.v1")
class RisImporter(Importer):
    """RIS (``TY  - `` ... ``ER  -``), the format of Zotero, EndNote, Rayyan, IEEE and most databases."""

    name = "ris"
    suffixes = ("ris", "txt")

    def sniff(self, head: str) -> int:
        """Sure when a line starts with ``TY  - `` and other tags follow; likely with ``ER  -`` but no TY."""
        tags = len(_TAG.findall(head, 0, 20000))
        if _TY.search(head) and tags >= 2:
            return 95
        if _one_space(head.split("\n", 200)[:200]):
            return 90
        if tags >= 5 and _ER.search(head):
            return 60
        return 0

    def parse(self, text: str, ctx: ParseContext) -> None:
        """Parse RIS text with rispy, keeping each record's first line."""
        has_ty = _TY.search(text) is not None or _TY_ONE_SPACE.search(text) is not None
        lines = text.split("\n")
        if _one_space(lines[:200]):  # ("TY - JOUR": only ever read whole, never streamed in chunks)
            lines = [_ONE_SPACE_TAG.sub(r"\1  -\2", ln, count=1) for ln in lines]
        self.parse_lines(lines, ctx, ty_required=has_ty)

    def parse_lines(
        self, lines: list[str], ctx: ParseContext, *, ty_required: bool, first_line: int = 1, first_number: int = 0
    ) -> int:
        """Parse a run of whole records (LF-split lines) of a file, handing each record to `ctx`.

        Args:
            lines: the lines, starting at line `first_line` of the file and holding only whole records.
            ctx: receives the records, the bad ones and the warnings.
            ty_required: the file has ``TY`` lines (see `parse_numbered`).
            first_line: the file line of `lines[0]`.
            first_number: how many records the file had before these lines.

        Returns:
            The number of the last record seen (for the next chunk's `first_number`).
        """
        failures: list[tuple[int, str, int]] = []
        warnings: list[tuple[int, str, int]] = []
        parser = _make_parser()
        entries = parser.parse_numbered(
            lines, failures, warnings, ty_required=ty_required, first_line=first_line, first_number=first_number
        )
        for line, why, number in warnings:
            ctx.warn(line, why, number)
        add = ctx.add
        pending = sorted(failures, key=lambda f: f[2])
        for entry, line, number in entries:
            while pending and pending[0][2] < number:
                ctx.fail(*pending.pop(0))
            add(entry_to_fields(entry), line, number)
        for failure in pending:
            ctx.fail(*failure)
        return int(parser.count)

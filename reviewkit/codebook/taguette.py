"""Provides import of Taguette-style CSV codebooks (columns ``tag`` or ``name`` or ``path``, ``description``).

Taguette exports ``tag,description,number of highlights``; an optional ``parent`` column, or
dotted tag paths (``interview.mood``), give the hierarchy. Extra columns are ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from reviewkit.codebook.imported import RawCode, build_codebook, codebook_name
from reviewkit.codebook.model import Codebook
from reviewkit.errors import CodebookError

_NAME_COLUMNS = ("tag", "name", "path")


def _decode(data: bytes, path: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CodebookError(path, [("(file)", "the CSV is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8")])


def read_taguette_csv(path: str | Path) -> Codebook:
    """Read a Taguette-style CSV codebook.

    Args:
        path: the CSV file (UTF-8, or GBK/GB18030 as written by Chinese Excel).

    Returns:
        The codebook; codes get ids from their names (``parent.child`` for sub-codes).

    Raises:
        CodebookError: the file is missing, has no tag/name/path column, has an empty name
            or is not CSV.
    """
    p = Path(path)
    try:
        text = _decode(p.read_bytes(), str(p))
    except FileNotFoundError as exc:
        raise CodebookError(str(p), [("(file)", "no such file")]) from exc
    except OSError as exc:
        raise CodebookError(str(p), [("(file)", f"cannot be read: {exc.strerror or exc}")]) from exc
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CodebookError(str(p), [("(file)", f"not a CSV file: {exc}")]) from exc
    if not rows:
        raise CodebookError(str(p), [("(file)", "the file is empty")])
    header = [cell.strip().lower() for cell in rows[0]]
    found = [col for col in _NAME_COLUMNS if col in header]
    if len(found) != 1:
        reason = (
            f"several name columns ({', '.join(found)}); keep one"
            if found
            else f"no 'tag', 'name' or 'path' column in the header ({', '.join(rows[0])})"
        )
        raise CodebookError(str(p), [("line 1", reason)])
    name_col = header.index(found[0])
    desc_col = header.index("description") if "description" in header else None
    parent_col = header.index("parent") if "parent" in header else None
    problems: list[tuple[str, str]] = []
    by_name: dict[str, RawCode] = {}
    order: list[tuple[str, str, RawCode]] = []  # (full name, parent name, code)
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        full = row[name_col].strip() if name_col < len(row) else ""
        if not full:
            problems.append((f"line {line}", f"empty {found[0]}"))
            continue
        desc = row[desc_col].strip() if desc_col is not None and desc_col < len(row) else ""
        parent = row[parent_col].strip() if parent_col is not None and parent_col < len(row) else ""
        raw = RawCode(name=full, description=desc)
        by_name[full] = raw
        order.append((full, parent, raw))
    if problems:
        raise CodebookError(str(p), problems)
    if not order:
        raise CodebookError(str(p), [("(file)", "no codes: the CSV has a header but no rows")])
    roots: list[RawCode] = []
    parent_of: dict[int, RawCode] = {}

    def creates_cycle(child: RawCode, parent: RawCode) -> bool:
        node: RawCode | None = parent
        while node is not None:
            if node is child:
                return True
            node = parent_of.get(id(node))
        return False

    for full, parent_name, raw in order:
        if not parent_name and "." in full:
            head, _, tail = full.rpartition(".")
            if head in by_name:
                parent_name, raw.name = head, tail
        parent_code = by_name.get(parent_name) if parent_name else None
        if parent_name and parent_code is None:
            parent_code = RawCode(name=parent_name)
            by_name[parent_name] = parent_code
            roots.append(parent_code)
        if parent_code is None or creates_cycle(raw, parent_code):
            roots.append(raw)
        else:
            parent_of[id(raw)] = parent_code
            parent_code.children.append(raw)
    return build_codebook(roots, name=codebook_name(p.stem), path=str(p))

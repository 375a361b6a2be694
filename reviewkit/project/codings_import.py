"""Provides `reviewkit codings import`: human decisions from a long-format CSV/JSONL file, all or nothing.

Each line names a document by its key and a passage either by its offsets (``field``, ``start``,
``end``, as in the csv-long / jsonl exports) or by its text (``passage_text``, exact up to
whitespace). Every line is checked first; if any line names an unknown document, passage, code or
status, the import stops with the list of bad lines and nothing is written. Otherwise all the
decisions are written in one transaction, each with its audit row, as one undo step.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.errors import ImportFormatError
from reviewkit.exporters.long_format import read_long
from reviewkit.project.agreement import select
from reviewkit.records import Passage
from reviewkit.store.audit import new_batch

if TYPE_CHECKING:
    from reviewkit.store import Store

MAX_LISTED = 50
_STATUS = {
    "": "accepted",
    "accepted": "accepted",
    "accept": "accepted",
    "1": "accepted",
    "yes": "accepted",
    "y": "accepted",
    "true": "accepted",
    "rejected": "rejected",
    "reject": "rejected",
    "0": "rejected",
    "no": "rejected",
    "n": "rejected",
    "false": "rejected",
}


@dataclass(frozen=True)
class CodingsImportResult:
    """What `import_codings` wrote."""

    path: str
    coders: tuple[str, ...]
    lines: int
    """Decision lines read (blank lines left out)."""
    added: int
    """Decisions the coder did not have before."""
    changed: int
    """Decisions whose status changed."""
    unchanged: int
    by_status: dict[str, int] = field(default_factory=dict)
    batch: str = ""
    """The audit batch (one undo step)."""


def _norm(text: Any) -> str:
    return " ".join(str(text or "").split())


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(str(value).strip())


class _PassageIndex:
    """Passages of the named documents, findable by offsets or by text."""

    def __init__(self, rows: list[Passage]) -> None:
        self.by_span: dict[tuple[int, str, int, int], int] = {}
        self.by_offsets: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        self.by_text: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.text: dict[int, str] = {}
        for r in rows:
            pid, doc = int(r.id or 0), r.document_id
            self.by_span[(doc, r.field, r.start, r.end)] = pid
            self.by_offsets[(doc, r.start, r.end)].append(pid)
            self.by_text[(doc, _norm(r.text))].append(pid)
            self.text[pid] = r.text

    def find(self, doc: int, key: str, row: dict[str, Any]) -> tuple[int | None, str]:
        """(passage id, "") or (None, what is wrong)."""
        try:
            start, end = _int(row.get("start")), _int(row.get("end"))
        except ValueError:
            return None, f"start/end must be whole numbers (got {row.get('start')!r}, {row.get('end')!r})"
        fld = _norm(row.get("field"))
        text = _norm(row.get("passage_text"))
        by_text = self.by_text.get((doc, text), []) if text else []
        if start is not None and end is not None:
            if fld:
                pid = self.by_span.get((doc, fld, start, end))
                hits = [pid] if pid is not None else []
            else:
                hits = self.by_offsets.get((doc, start, end), [])
            if len(hits) == 1 and (not text or _norm(self.text[hits[0]]) == text):
                return hits[0], ""
            if len(by_text) == 1:
                return by_text[0], ""
            where = f"{fld + ' ' if fld else ''}{start}-{end}"
            if hits and text:
                return None, f"the passage at {where} of {key!r} has other text than passage_text"
            if len(hits) > 1:
                return None, f"offsets {where} of {key!r} are ambiguous: add the field (title or abstract)"
            return None, f"document {key!r} has no passage at {where}"
        if not text:
            return None, "give the passage: start and end (with field), or passage_text"
        if len(by_text) == 1:
            return by_text[0], ""
        if len(by_text) > 1:
            return None, f"{len(by_text)} passages of {key!r} have this text: add start and end"
        return None, f"document {key!r} has no passage with this text"


def import_codings(
    store: Store, path: str | Path, *, coder: str | None = None, codebook: str | None = None
) -> CodingsImportResult:
    """Read decisions from a long-format CSV or JSONL file and record them for `coder`.

    Args:
        store: the project.
        path: the file (``.csv``/``.tsv``, or ``.jsonl``/``.ndjson``).
        coder: whose decisions these are; default: the file's ``coder`` column.
        codebook: codebook name (default: the current one).

    Returns:
        Counts of what was written.

    Raises:
        ImportFormatError: unreadable file, missing columns, or bad lines (all listed by line number);
            nothing is written then.
        NotFoundError: the project has no codebook.
    """
    p = Path(path)
    sel = select(store, None, None, codebook=codebook)
    codes = set(sel.codebook.ids)
    rows = list(read_long(p))
    docs = store.documents.ids_by_key([_norm(r.get("document_key")) for _, r in rows])
    index = _PassageIndex(store.passages.of_documents(list(docs.values())))
    problems: list[tuple[int, str]] = []
    wanted: dict[tuple[int, str, str], tuple[str, int]] = {}
    unknown_codes: set[str] = set()
    for line, row in rows:
        key, code = _norm(row.get("document_key")), _norm(row.get("code_id"))
        who = coder or _norm(row.get("coder"))
        status = _STATUS.get(_norm(row.get("status")).lower())
        errs = []
        if not who:
            errs.append("no coder: give --coder NAME or fill the coder column")
        if status is None:
            errs.append(f"unknown status {row.get('status')!r}: use accepted or rejected")
        if code not in codes:
            errs.append(f"unknown code {code!r}" if code else "code_id is empty")
            if code:
                unknown_codes.add(code)
        doc = docs.get(key)
        pid = None
        if doc is None:
            errs.append(f"unknown document key {key!r}" if key else "document_key is empty")
        else:
            pid, err = index.find(doc, key, row)
            if err:
                errs.append(err)
        if not errs and pid is not None and status is not None:
            k = (pid, code, who)
            if k in wanted and wanted[k][0] != status:
                errs.append(
                    f"contradicts line {wanted[k][1]} ({wanted[k][0]}) for the same passage, code and coder"
                )
            else:
                wanted[k] = (status, line)
        problems += [(line, e) for e in errs]
    if problems:
        listed = [f"  line {n}: {msg}" for n, msg in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            listed.append(f"  … and {len(problems) - MAX_LISTED} more")
        hint = f"\nCodes of {sel.codebook_name}: {', '.join(sel.codebook.ids)}" if unknown_codes else ""
        raise ImportFormatError(
            str(p),
            problems[0][0],
            f"{len(problems)} problem(s); nothing was imported:\n" + "\n".join(listed) + hint,
        )
    coders = sorted({w for _, _, w in wanted})
    before = {
        (d.passage_id, d.code_id, d.coder): d.status
        for d in store.codings.latest(sel.codebook_name, coders)
    }
    batch = new_batch("import")
    added = changed = unchanged = 0
    by_status: dict[str, int] = defaultdict(int)
    with store.transaction():
        for (pid, code, who), (status, _line) in wanted.items():
            old = before.get((pid, code, who))
            added += old is None
            changed += old is not None and old != status
            unchanged += old == status
            by_status[status] += 1
            store.codings.set(
                pid, code, who, status, codebook_id=sel.codebook_id, origin="import", batch=batch
            )
    return CodingsImportResult(
        str(p), tuple(coders), len(rows), added, changed, unchanged, dict(by_status), batch
    )

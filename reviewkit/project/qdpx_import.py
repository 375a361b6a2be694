"""Provides `import_qdpx`: a REFI-QDA project (.qdpx / .qde) into a reviewkit project, all or nothing.

- Text sources become documents. A source exported by reviewkit carries its key, DOI, year,
  authors and the offsets of title and abstract in its Description, so the document comes back as
  it was; a source of another tool becomes a document titled by the source name whose abstract is
  the source's text.
- The codebook becomes a codebook version (ids restored from reviewkit Descriptions, else made
  from the code names; see `reviewkit.refi.codebook.read_refi_codebook`). All reading of the file
  (XML, archive, limits) is `reviewkit.refi.project_read.read_qdpx`; this module decides what to store.
- Each coded plain-text selection becomes a passage at the same offsets (shifted back into the
  title or abstract), and each of its codings an accepted decision of the coding's user.
- Notes become memos on what their ``<NoteRef>`` sits in: a selection (its passage), a text
  source (the document), a code, or the project; the author is the note's user.
- A source exported by reviewkit also carries, in the same Description line, its rejected codes
  and the passages marked done (`reviewkit.refi.project_write`); they come back as rejected
  decisions and done marks, so agreement is the same after a round trip.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.lang import detect_language
from reviewkit.records import Passage, Record
from reviewkit.refi.project_read import QdpxCode, QdpxProject, QdpxSource, read_qdpx
from reviewkit.store.audit import new_batch

if TYPE_CHECKING:
    from reviewkit.codebook.model import Codebook
    from reviewkit.store import Store

FIELD_ORDER = ("title", "abstract", "title_alt", "abstract_alt")


@dataclass(frozen=True)
class QdpxImportResult:
    """What `import_qdpx` restored."""

    path: str
    codebook: str
    codebook_id: int | None
    documents_added: int
    documents_matched: int
    """Sources that matched a document already in the project (same key and text)."""
    passages: int
    codings: int
    coders: tuple[str, ...]
    rejections: int = 0
    """Rejected decisions restored from reviewkit Descriptions."""
    done: int = 0
    """Done marks restored from reviewkit Descriptions."""
    memos: int = 0
    """Notes stored as memos (on a passage, document, code or the project)."""
    skipped: tuple[str, ...] = field(default_factory=tuple)
    """Parts of the project that could not be imported, in words."""

    def __str__(self) -> str:
        coders = ", ".join(self.coders) or "nobody"
        return (
            f"{self.documents_added} documents added, {self.documents_matched} already there; codebook "
            f"{self.codebook or '(none)'}; {self.passages} passages, {self.codings} codings by {coders}; "
            f"{len(self.skipped)} part(s) skipped"
        )


def _code_map(project: QdpxProject, book: Codebook) -> dict[str, str]:
    """Code GUID -> code id of `book` (by reviewkit id, else by the path of names)."""
    ids = set(book.ids)
    by_path: dict[tuple[str, ...], list[str]] = defaultdict(list)
    parents = {c.id: c.parent for c in book.codes}
    names = {
        c.id: next(iter(c.label.values()), c.id) if len(c.label) == 1 else c.label.get("en", c.id)
        for c in book.codes
    }

    def path(cid: str) -> tuple[str, ...]:
        chain: list[str] = []
        cur: str | None = cid
        while cur is not None:
            chain.append(names[cur])
            cur = parents.get(cur)
        return tuple(reversed(chain))

    for c in book.codes:
        by_path[path(c.id)].append(c.id)
    out: dict[str, str] = {}
    for code in project.codes:
        if code.code_id and code.code_id in ids:
            out[code.guid] = code.code_id
        elif by_path.get(code.path):
            out[code.guid] = by_path[code.path].pop(0)
    return out


def _layout(source: QdpxSource) -> tuple[dict[str, str], dict[str, int], dict[str, Any]]:
    """(field texts, field offsets in the source text, bibliographic meta) of a source."""
    meta = source.meta or {}
    spans = meta.get("fields") if isinstance(meta.get("fields"), dict) else None
    if spans:
        try:
            texts = {f: source.text[int(s) : int(e)] for f, (s, e) in spans.items() if f in FIELD_ORDER}
            base = {f: int(spans[f][0]) for f in texts}
            if texts:
                return texts, base, meta
        except (TypeError, ValueError):
            pass
    title = Path(source.name).stem if "." in source.name[-6:] else source.name
    return {"title": title, "abstract": source.text}, {"abstract": 0}, {}


def _record(source: QdpxSource, texts: dict[str, str], meta: dict[str, Any], path: Path) -> Record:
    year = meta.get("year")
    return Record(
        title=texts.get("title", ""),
        abstract=texts.get("abstract", ""),
        title_alt=texts.get("title_alt", ""),
        abstract_alt=texts.get("abstract_alt", ""),
        authors=tuple(str(a) for a in meta.get("authors") or ()),
        year=int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None,
        journal=str(meta.get("journal") or ""),
        volume=str(meta.get("volume") or ""),
        issue=str(meta.get("issue") or ""),
        pages=str(meta.get("pages") or ""),
        doi=str(meta.get("doi") or ""),
        type=str(meta.get("type") or ""),
        keywords=tuple(str(k) for k in meta.get("keywords") or ()),
        language=str(
            meta.get("language") or detect_language(texts.get("abstract", "") or texts.get("title", ""))
        ),
        url=str(meta.get("url") or ""),
        key=str(meta.get("key") or ""),
        source_format="qdpx",
        source_file=str(path),
        raw={"qdpx_source": source.guid, "qdpx_name": source.name},
    )


def _passage(
    doc_id: int, texts: dict[str, str], base: dict[str, int], start: int, end: int
) -> Passage | None:
    for fld, offset in base.items():
        text = texts[fld]
        if offset <= start and end <= offset + len(text) and start < end:
            s, e = start - offset, end - offset
            return Passage(doc_id, fld, 0, s, e, text[s:e], detect_language(text[s:e]))
    return None


def import_qdpx(
    store: Store, path: str | Path, *, coder: str | None = None, use_codebook: bool = False
) -> QdpxImportResult:
    """Restore the sources, codebook and codings of a REFI-QDA project into `store`.

    Args:
        store: the project.
        path: a ``.qdpx`` archive (or a bare ``.qde``).
        coder: record every coding under this coder (default: the coding's user in the project).
        use_codebook: make the imported codebook the project's current one. Without it the current
            codebook stays (a project with no codebook yet takes the imported one).

    Returns:
        What was imported, and what was skipped.

    Raises:
        ImportFormatError: not a readable REFI-QDA project.
    """
    from reviewkit.project.codebooks import save_codebook

    p = Path(path)
    project = read_qdpx(p)
    skipped = list(project.skipped)
    book = project.codebook
    guid_to_code = _code_map(project, book) if book is not None else {}
    batch = new_batch("qdpx")
    added = matched = n_passages = n_codings = n_rejected = n_done = n_memos = 0
    coders: set[str] = set()
    with store.transaction():
        import_id = store.imports.start(str(p), "qdpx")
        codebook_id = None
        if book is not None:
            make_current = use_codebook or store.codebooks.current_id() is None
            codebook_id = save_codebook(store, book, make_current=make_current)
        for source in project.sources:
            texts, base, meta = _layout(source)
            record = _record(source, texts, meta, p)
            doc_id, was_there = _document(store, record, source)
            added += not was_there
            matched += was_there
            store.documents.add_source(
                doc_id, record, import_id, duplicate=was_there, reason="qdpx" if was_there else ""
            )
            wanted: dict[tuple[str, int, int], Passage] = {}
            decisions: list[tuple[tuple[str, int, int], str, str, str]] = []
            marks: list[tuple[tuple[str, int, int], str]] = []
            for sel in source.selections:
                passage = _passage(doc_id, texts, base, sel.start, sel.end)
                if passage is None:
                    skipped.append(
                        f"{source.name}: selection {sel.start}-{sel.end} spans more than one field"
                    )
                    continue
                span = (passage.field, passage.start, passage.end)
                for code_guid, user in sel.codings:
                    code_id = guid_to_code.get(code_guid)
                    if code_id is None:
                        skipped.append(f"{source.name}: a coding refers to an unknown code {code_guid}")
                        continue
                    who = coder or project.users.get(user) or project.users.get(sel.user) or "qdpx"
                    wanted.setdefault(span, passage)
                    decisions.append((span, code_id, who, "accepted"))
            _extras(source, doc_id, texts, book, coder, wanted, decisions, marks, skipped)
            notes: list[tuple[str, str, str]] = [("document", str(doc_id), g) for g in source.notes]
            for sel in source.selections:
                passage = _passage(doc_id, texts, base, sel.start, sel.end) if sel.notes else None
                if passage is not None:
                    span = (passage.field, passage.start, passage.end)
                    wanted.setdefault(span, passage)
                    notes += [("passage", f"{span[0]}:{span[1]}:{span[2]}", g) for g in sel.notes]
            if not wanted:
                n_memos += _memos(store, project, notes, {}, coder, batch)
                continue
            ids = _save_passages(store, doc_id, wanted)
            n_memos += _memos(store, project, notes, ids, coder, batch)
            n_passages += len(wanted)
            for span, code_id, who, status in dict.fromkeys(decisions):
                assert codebook_id is not None  # decisions refer to codes of the imported codebook
                store.codings.set(
                    ids[span], code_id, who, status, codebook_id=codebook_id, origin="import", batch=batch
                )
                coders.add(who)
                n_codings += status == "accepted"
                n_rejected += status == "rejected"
            for span, who in dict.fromkeys(marks):
                assert book is not None
                store.reviews.mark(ids[span], who, book.name, batch=batch)
                coders.add(who)
                n_done += 1
        code_notes = [("code", guid_to_code[c.guid], g) for c in project.codes if c.guid in guid_to_code for g in c.notes]
        project_notes = [("project", "", g) for g in project.project_notes]
        n_memos += _memos(store, project, code_notes + project_notes, {}, coder, batch)
        store.imports.finish(
            import_id, records=len(project.sources), added=added, merged=matched, skipped=skipped
        )
    return QdpxImportResult(
        path=str(p),
        codebook=book.name if book is not None else "",
        codebook_id=codebook_id,
        documents_added=added,
        documents_matched=matched,
        passages=n_passages,
        codings=n_codings,
        coders=tuple(sorted(coders)),
        skipped=tuple(skipped),
        rejections=n_rejected,
        done=n_done,
        memos=n_memos,
    )


def _memos(
    store: Store,
    project: QdpxProject,
    notes: list[tuple[str, str, str]],
    ids: dict[tuple[str, int, int], int],
    coder: str | None,
    batch: str,
) -> int:
    """Store the notes as memos on their targets (an identical memo already there is not repeated)."""
    n = 0
    for kind, target, note_guid in notes:
        note = project.notes.get(note_guid)
        if note is None or not note.text.strip():
            continue
        if kind == "passage":
            fld, start, end = target.split(":")
            pid = ids.get((fld, int(start), int(end)))
            if pid is None:
                continue
            target = str(pid)
        meta = note.meta or {}
        who = coder or project.users.get(note.user) or str(meta.get("coder") or "") or "qdpx"
        if any(m.text == note.text for m in store.memos.list(kind, target, coder=who)):
            continue
        store.memos.add(kind, target, who, note.text, batch=batch)
        n += 1
    return n


def _extras(
    source: QdpxSource,
    doc_id: int,
    texts: dict[str, str],
    book: Codebook | None,
    coder: str | None,
    wanted: dict[tuple[str, int, int], Passage],
    decisions: list[tuple[tuple[str, int, int], str, str, str]],
    marks: list[tuple[tuple[str, int, int], str]],
    skipped: list[str],
) -> None:
    """Add the rejections and done marks of a reviewkit source's Description line (bad rows skipped)."""
    meta = source.meta or {}
    ids = set(book.ids) if book is not None else set()
    rows = [(r, "rejected") for r in meta.get("rejected") or ()] + [(r, "done") for r in meta.get("done") or ()]
    for row, kind in rows:
        try:
            fld, start, end = str(row[0]), int(row[1]), int(row[2])
            who = coder or str(row[4] if kind == "rejected" else row[3])
            code_id = str(row[3]) if kind == "rejected" else ""
        except (TypeError, ValueError, IndexError, KeyError):
            skipped.append(f"{source.name}: an unreadable {kind} entry in its reviewkit Description")
            continue
        text = texts.get(fld)
        if text is None or not 0 <= start < end <= len(text) or book is None or (code_id and code_id not in ids):
            skipped.append(f"{source.name}: a {kind} entry at {fld} {start}-{end} does not fit the source or codebook")
            continue
        span = (fld, start, end)
        wanted.setdefault(span, Passage(doc_id, fld, 0, start, end, text[start:end], detect_language(text[start:end])))
        if kind == "rejected":
            decisions.append((span, code_id, who, "rejected"))
        else:
            marks.append((span, who))


def _document(store: Store, record: Record, source: QdpxSource) -> tuple[int, bool]:
    """(document id, True when an identical document with the same key was already there)."""
    key = record.key or _slug_key(source)
    existing = store.documents.get(key) if store.documents.key_exists(key) else None
    if existing is not None and existing.title == record.title and existing.abstract == record.abstract:
        return existing.id, True
    base, n = key, 2
    while store.documents.key_exists(key):
        key = f"{base}-{n}"
        n += 1
    return store.documents.add(record, key), False


def _slug_key(source: QdpxSource) -> str:
    from reviewkit.codebook.imported import slugify

    return "qdpx-" + slugify(Path(source.name).stem)[:60]


def _save_passages(
    store: Store, doc_id: int, wanted: dict[tuple[str, int, int], Passage]
) -> dict[tuple[str, int, int], int]:
    """Add the selections' passages to the document (keeping its other passages); ids by span."""
    existing = store.passages.of_documents([doc_id])
    spans = {(q.field, q.start, q.end): q for q in existing}
    for span, passage in wanted.items():
        spans.setdefault(span, passage)
    order = sorted(
        spans.values(),
        key=lambda q: (FIELD_ORDER.index(q.field) if q.field in FIELD_ORDER else 9, q.start, q.end),
    )
    store.passages.save(doc_id, order)
    return {(q.field, q.start, q.end): int(q.id) for q in store.passages.of_documents([doc_id]) if q.id is not None}


__all__ = ["QdpxCode", "QdpxImportResult", "import_qdpx"]

"""Provides the rows exporters write, the `Exporter` base class and all-or-nothing file writing.

Exporters never see the Store: the service layer (`reviewkit.project.exports`) hands them an
`ExportData` whose providers yield plain dataclasses. Every file is written to a temporary file in
the destination folder and renamed over the destination only when complete (`atomic_path`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from reviewkit.errors import ExportError
from reviewkit.records import CodingRow, Document

DocumentRow = Document
"""Exporters write stored documents (`reviewkit.records.Document`); the old name stays as an alias."""

__all__ = ["CodeInfo", "CodingRow", "Document", "DocumentRow", "ExportData", "Exporter", "TrendPoint", "atomic_path", "check_writable"]


@dataclass(frozen=True)
class CodeInfo:
    """One code of the exported codebook."""

    id: str
    label: str = ""
    label_zh: str = ""
    parent: str | None = None
    definition: str = ""
    color: str = ""
    codable: bool = True
    """False for a group whose children carry the codings."""


@dataclass(frozen=True)
class TrendPoint:
    """One row of the trends table."""

    year: int
    code: str
    documents: int
    coded: int
    share: float
    published: int | None = None
    """All documents of the year when `documents` counts only the reviewed ones (None: not known)."""


@dataclass(frozen=True)
class ReviewFacts:
    """Who reviewed what, for the exports that carry it (`reviewkit.analysis.review_state` computes it)."""

    source: str
    """The source of the export's view (``coder:NAME``, ``consensus`` or ``any``)."""
    reviewed: frozenset[int]
    """Documents reviewed under `source` (csv-wide leaves the others blank)."""
    applied: dict[int, frozenset[str]]
    """Document id -> codes that count as applied under `source` (reviewed documents only)."""
    reviewed_by: dict[int, tuple[str, ...]]
    """Document id -> the coders (consensus included) who reviewed it."""
    passages_done: dict[str, frozenset[int]]
    """Coder -> the passages they marked done."""
    consensus_reviewed: frozenset[int] = frozenset()
    """Documents reviewed under the consensus rule (the state of ``consensus`` rows)."""


@dataclass(frozen=True)
class DoneMark:
    """A passage a coder marked done ("reviewed, no further codes"), with where it is."""

    document_id: int
    field: str
    start: int
    end: int
    coder: str
    marked_at: str = ""


@dataclass(frozen=True)
class MemoRow:
    """A memo with where it points (the ``memos`` export and the .qdpx Notes)."""

    id: int
    target_kind: str
    """passage, document, code or project."""
    target: str
    """The passage or document id, the code id, or "" for the project."""
    coder: str
    text: str
    created_at: str
    updated_at: str
    document_id: int | None = None
    document_key: str = ""
    field: str = ""
    start: int = 0
    end: int = 0


def no_review() -> ReviewFacts | None:
    """The default `ExportData.review`: no review facts known."""
    return None


@dataclass
class ExportData:
    """What an exporter may read; providers are called only by the exporters that need them."""

    project: str
    """Project name (the database file's stem)."""
    codebook_name: str
    codebook_version: str
    codes: list[CodeInfo]
    documents: Callable[[], Iterable[Document]]
    codings: Callable[[], Iterable[CodingRow]]
    """The codings of the chosen view (coder / consensus / all), filtered by status."""
    coders: list[str] = field(default_factory=list)
    view: str = ""
    """Human description of whose codings these are ("coder alice", "consensus", "all coders")."""
    status: str = "accepted"
    trends: Callable[[], list[TrendPoint]] = list
    trends_source: str = "accepted"
    """What the trends count: "accepted" codings of the view, or the tagger's "suggested" codes."""
    figure: Path | None = None
    """Where to draw the trends chart (the trends format)."""
    review: Callable[[], ReviewFacts | None] = no_review
    """Reviewed state (csv-wide blanks and ``reviewed_by``; csv-long/jsonl ``passage_done``, ``document_reviewed``)."""
    done_marks: Callable[[], Iterable[DoneMark]] = tuple
    """The view's passages marked done (qdpx keeps them for a lossless round trip)."""
    memos: Callable[[], Iterable[MemoRow]] = tuple
    """Every memo (qdpx Notes, the memos export)."""
    generator: str = "reviewkit"
    raw: bool = False
    """CSV formats: write cells verbatim (no neutralising of spreadsheet formulas)."""
    codebook: Any = None
    """The full `reviewkit.codebook.Codebook` when available (notes and labels for REFI-QDA)."""

    def codes_order(self, ids: Iterable[str]) -> list[str]:
        """`ids` without repeats, in codebook order (unknown ids last, alphabetically)."""
        pos = {c.id: i for i, c in enumerate(self.codes)}
        return sorted(set(ids), key=lambda c: (pos.get(c, len(pos)), c))


class Exporter:
    """One output format. Subclasses are registered with ``@exporters.register("name.v1")``.

    Attributes:
        name: the format name used on the command line.
        suffix: the usual file suffix (".csv").
        description: one line for ``reviewkit export --help``.
    """

    name: ClassVar[str] = ""
    suffix: ClassVar[str] = ""
    description: ClassVar[str] = ""
    merged_view: ClassVar[bool] = False
    """True when the format needs one decision per passage × code (default view: consensus)."""
    screened_only: ClassVar[bool] = False
    """True to leave out documents excluded at screening."""

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the export to `path` (a temporary file the caller renames when this returns).

        Returns:
            Counts to report to the user (e.g. {"rows": 120}).
        """
        raise NotImplementedError

    def extra_outputs(self, data: ExportData, out: Path) -> list[Path]:
        """Other files this export will write besides `out` (checked for --force up front)."""
        return []


def check_writable(path: Path, force: bool) -> None:
    """Refuse to overwrite an existing file unless `force`.

    Raises:
        ExportError: `path` exists (and `force` is False) or is a directory.
    """
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name.")
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; add --force to overwrite it.")


@contextlib.contextmanager
def atomic_path(path: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success rename it over `path`, on failure delete it.

    A failed or interrupted export (disk full, no permission, a bug) never leaves a half-written
    file behind, and never damages an existing file at `path`. The temporary name carries the
    process id, so that the temporary file of a killed export is removed by the next export to
    the same path (`remove_stale_parts`).

    Raises:
        ExportError: `path` exists without `force`, or the folder cannot be written.
    """
    path = Path(path)
    check_writable(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"Cannot write {path}: the folder {folder} does not exist.")
    remove_stale_parts(path)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.{os.getpid()}.", suffix=".part")
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}. Nothing was written.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_parts(path: Path) -> list[Path]:
    """Delete temporary files left next to `path` by exports that were killed (their process is gone).

    Returns:
        The files removed.
    """
    folder = path.parent if str(path.parent) else Path(".")
    removed: list[Path] = []
    prefix = f".{path.name}."
    try:
        candidates = [c for c in folder.iterdir() if c.name.startswith(prefix) and c.name.endswith(".part")]
    except OSError:
        return removed
    for part in candidates:
        pid = part.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue  # an export of the same file running now
        with contextlib.suppress(OSError):
            part.unlink()
            removed.append(part)
    return removed


def _alive(pid: int) -> bool:
    """True when a process with this id exists on this machine."""
    if pid == os.getpid():
        return False  # this process has no export of the same file in progress
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


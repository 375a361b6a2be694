"""Provides the demo use case: a project built from the bundled corpus and codebook, coded end to end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.analysis.periods import PeriodRow, by_period, periods
from reviewkit.resources import default_codebook_path, demo_corpus_dir

if TYPE_CHECKING:
    from reviewkit.project.codebooks import LoadResult
    from reviewkit.project.coding import TagRunSummary
    from reviewkit.project.corpus import ImportReport
    from reviewkit.store import Store

DEMO_FOLDER = "reviewkit-demo"
DEMO_GROUPS = "regionalism,global,upgrading"

Progress = Callable[[int, int, str], None]


@dataclass
class DemoResult:
    """What building the demo project did."""

    imports: list[ImportReport] = field(default_factory=list)
    codebook: LoadResult | None = None
    tagging: TagRunSummary | None = None
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CodeShift:
    """How the share of documents carrying a code changed between the early and late half of the years."""

    code: str
    early: float
    late: float

    @property
    def direction(self) -> str:
        """"rising", "falling" or "flat" (a change under 5 percentage points)."""
        delta = self.late - self.early
        return "flat" if abs(delta) < 0.05 else ("rising" if delta > 0 else "falling")


def demo_db_path(db: str | None) -> Path:
    """The demo project file: `db` when given, else ``./reviewkit-demo/reviewkit.db``."""
    return Path(db) if db else Path.cwd() / DEMO_FOLDER / "reviewkit.db"


def build_demo(
    store: Store,
    *,
    corpus: str | Path | None = None,
    codebook: str | Path | None = None,
    method: str = "hybrid",
    progress: Progress | None = None,
) -> DemoResult:
    """Import the demo corpus (into an empty project), load the codebook and code everything.

    Running it again on the same project imports nothing new, keeps every reviewer decision and
    codes only what is not up to date.
    """
    from reviewkit.project.codebooks import load_codebook_file
    from reviewkit.project.coding import run_tagger
    from reviewkit.project.corpus import import_files

    result = DemoResult()
    if store.documents.count() == 0:
        result.imports = import_files(store, [corpus or demo_corpus_dir()], progress=progress)
    result.codebook = load_codebook_file(store, codebook or default_codebook_path())
    result.tagging = run_tagger(store, result.codebook.codebook_id, method=method, progress=progress)
    result.stats = store.imports.corpus_stats().to_dict()
    return result


def period_table(
    store: Store, codes: str = DEMO_GROUPS, source: str = "suggested", width: int = 5
) -> list[PeriodRow]:
    """Shares of documents per period (five-year bins by default) for codes or groups."""
    from reviewkit.project.trends import trends

    rows = trends(store, codes=codes, source=source)
    if not rows:
        return []
    years = [r.year for r in rows]
    return by_period(rows, periods(min(years), max(years), width))


def code_shifts(store: Store, source: str = "suggested") -> tuple[tuple[int, int, int], list[CodeShift]]:
    """Early-vs-late share per leaf code, splitting the years at their midpoint.

    Returns:
        ((first year, last year of the early half, last year), shifts per code).
    """
    from reviewkit.project.codebooks import resolve_codebook
    from reviewkit.project.trends import trends

    if store.codebooks.current_id() is None:
        return (0, 0, 0), []
    _cb_id, cb = resolve_codebook(store)
    rows = trends(store, codes=",".join(c.id for c in cb.leaves()), source=source)
    if not rows:
        return (0, 0, 0), []
    first, last = min(r.year for r in rows), max(r.year for r in rows)
    mid = (first + last) // 2
    halves = by_period(rows, [(first, mid), (mid + 1, last)])
    early = {r.code: r.share for r in halves if r.start == first}
    late = {r.code: r.share for r in halves if r.start == mid + 1}
    return (first, mid, last), [CodeShift(code, early[code], late[code]) for code in early]

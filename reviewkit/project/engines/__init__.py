"""Provides the coding engines: a page of passages, `score_page` (the one scoring step), the local engine.

`reviewkit.project.coding.run_tagger` keeps the project file: it reads the passages to code in
pages, hands them to an engine, and writes what comes back (suggestions, and new embeddings for the
cache) one page per transaction. An engine only turns pages into scored pages. Every engine scores a
page with `score_page`, so the engines give the same scores:

- `LocalEngine` (``reviewkit code``, the default): in this process, page after page.
- `reviewkit.project.engines.ray_engine.RayEngine` (``reviewkit code --engine ray``): on a Ray
  cluster, through Ray Data with a pool of actors (the optional ``ray`` extra).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from reviewkit.errors import ReviewkitError
from reviewkit.records import Passage

if TYPE_CHECKING:
    from reviewkit.store import Store
    from reviewkit.tagger.pipeline import Tagger

ENGINES = ("local", "ray")
"""Engine names accepted by `make_engine` (``reviewkit code --engine``)."""

PageProgress = Callable[[int, int, str], None]
"""(passages of the page done, passages in the page, "coding")."""


@dataclass(frozen=True)
class Page:
    """Passages to code together (whole documents, so a passage's document context is all there)."""

    todo: dict[int, set[str]]
    """Document id -> the codes to (re)do for it."""
    passages: list[Passage]
    """The passages of those documents, in reading order."""
    codes: list[str]
    """Every code some document needs, in the tagger's code order."""


@dataclass
class ScoredPage:
    """What an engine returns for a page."""

    page: Page
    rows: list[dict[str, Any]]
    """Suggestions and near misses (`score_page` rows), before the caller drops decided pairs."""
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    """New embeddings (text hash -> vector) for the caller to cache; empty when the engine cached them."""
    cached: int = 0
    """Distinct texts whose vectors came from the project's cache (engines that do not cache themselves)."""


class Engine(Protocol):
    """Turns pages of passages into scored pages (`run_tagger` reads and writes the project)."""

    name: str

    def score_pages(
        self,
        tagger: Tagger,
        pages: Iterable[Page],
        *,
        below: float,
        total_documents: int,
        store: Store,
        model: str | None,
        progress: PageProgress | None = None,
    ) -> Generator[ScoredPage, None, None]:
        """Score every page (in any order), pulling pages only as they can be scored.

        Args:
            tagger: the fitted tagger (its encoder caches embeddings in `store`).
            pages: the pages to code; read lazily from the project, so consume them in this thread.
            below: keep near misses down to ``threshold - below``.
            total_documents: documents `pages` holds at most (sizes a distributed run).
            store: the project (read-only here: cached embeddings).
            model: the embedding model name or folder (None: the bundled one), for remote workers.
            progress: callback within a page.
        """
        ...


def score_page(
    tagger: Tagger, page: Page, below: float, progress: PageProgress | None = None
) -> list[dict[str, Any]]:
    """Score one page: the suggestions and near misses of the codes each document needs.

    Args:
        tagger: the fitted tagger; it embeds the passages with its encoder.
        page: the passages and the codes to do per document.
        below: keep pairs scoring at least ``threshold - below`` (near misses for the review queue).
        progress: callback (done, total, "coding") as the page is encoded and scored.

    Returns:
        One row per kept (passage, code): passage_id, code_id, score, threshold, method, evidence
        (dict), tagger_version — the shape `Suggestions.save_results` takes.
    """
    from reviewkit.tagger.pipeline import TAGGER_VERSION, evidence_to_dict, method_label

    label = method_label(tagger.config.method)
    passages = page.passages
    scored = tagger.score(
        [p.text for p in passages],
        [p.lang for p in passages],
        None,
        codes=page.codes,
        below=below,
        groups=[p.document_id for p in passages],
        progress=progress,
    )
    rows: list[dict[str, Any]] = []
    for p, row in zip(passages, scored, strict=True):
        wanted = page.todo[p.document_id]
        for cs in row:
            if cs.code_id not in wanted or cs.score < cs.threshold - below:
                continue
            rows.append(
                {
                    "passage_id": p.id,
                    "code_id": cs.code_id,
                    "score": cs.score,
                    "threshold": cs.threshold,
                    "method": label,
                    "evidence": evidence_to_dict(cs.evidence),
                    "tagger_version": TAGGER_VERSION,
                }
            )
    return rows


class LocalEngine:
    """Scores the pages in this process, one after the other (the default engine)."""

    name = "local"

    def score_pages(
        self,
        tagger: Tagger,
        pages: Iterable[Page],
        *,
        below: float,
        total_documents: int,
        store: Store,
        model: str | None,
        progress: PageProgress | None = None,
    ) -> Generator[ScoredPage, None, None]:
        """Score each page with `score_page` (the tagger's encoder caches new embeddings itself)."""
        for page in pages:
            yield ScoredPage(page, score_page(tagger, page, below, progress))


def make_engine(name: str, *, address: str | None = None, workers: int | None = None) -> Engine:
    """The engine called `name`.

    Args:
        name: "local" or "ray".
        address: Ray only: "auto" (the cluster this machine belongs to), "HOST:6379", or None
            (``RAY_ADDRESS``, else a Ray started on this machine with ``ray start``, else a private
            Ray for this run). A Ray Client address (``ray://``) is refused: Ray Data needs a driver
            inside the cluster.
        workers: Ray only: actors in the pool (default 2).

    Returns:
        The engine.

    Raises:
        ReviewkitError: an unknown name, or options the local engine does not take.
        MissingExtraError: "ray" without the ``ray`` extra installed.
    """
    if name == "local":
        if address is not None or workers is not None:
            raise ReviewkitError(
                "--address and --workers are for --engine ray; the local engine takes neither."
            )
        return LocalEngine()
    if name == "ray":
        from reviewkit.project.engines.ray_engine import RayEngine, require_ray

        require_ray(address)
        return RayEngine(address=address, workers=workers or 2)
    raise ReviewkitError(f"Unknown engine {name!r}. Available: {', '.join(ENGINES)}")

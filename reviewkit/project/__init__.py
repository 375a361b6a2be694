"""Provides the service layer (use cases) that both front ends call.

Modules by area: `corpus` (import, dedupe, search, stats), `codebooks`, `coding` (tagger runs),
`review` (decisions, undo/redo, queue), `trends`, `agreement`, `exports`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewkit.store import Store as Store


def open_project(path: str | Path, *, create: bool = False) -> Store:
    """Open (and create or upgrade) a project file; the one way front ends open a project.

    Args:
        path: the project's SQLite file (``":memory:"`` for a throwaway one).
        create: create the file when it does not exist (else `StoreError` says how to create one).

    Returns:
        The open `Store`; the caller closes it.
    """
    from reviewkit.store import Store

    return Store.open(path, create=create)

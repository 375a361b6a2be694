"""Provides the project store (re-exports `Store`).

`Store` is imported on first use, so that the pure helpers (`store.text`, `store.rows`) load
without SQLite's wrappers in the import worker process (`reviewkit.project.import_worker`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewkit.store.store import Store

__all__ = ["Store"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from reviewkit.store.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

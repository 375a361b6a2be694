"""Provides reviewkit's public API; importing it is cheap (nothing heavy is loaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewkit._version import __version__

__all__ = [
    "Codebook",
    "Code",
    "Record",
    "Passage",
    "ReviewkitError",
    "Store",
    "__version__",
    "load_codebook",
    "read_records",
]

if TYPE_CHECKING:
    from reviewkit.codebook import Code, Codebook, load_codebook
    from reviewkit.errors import ReviewkitError
    from reviewkit.importers import read_records
    from reviewkit.records import Passage, Record
    from reviewkit.store import Store

_LAZY = {
    "Codebook": "reviewkit.codebook",
    "Code": "reviewkit.codebook",
    "load_codebook": "reviewkit.codebook",
    "ReviewkitError": "reviewkit.errors",
    "read_records": "reviewkit.importers",
    "Record": "reviewkit.records",
    "Passage": "reviewkit.records",
    "Store": "reviewkit.store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'reviewkit' has no attribute {name!r}")

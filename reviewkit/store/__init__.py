"""Provides the project store (re-exports `Store`)."""

from reviewkit.store.store import Store

__all__ = ["Store"]

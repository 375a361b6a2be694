"""Provides the passage, suggestion, tagging-state and embedding-cache queries of the store."""

from __future__ import annotations


class PassagesMixin:
    """Passages, tag runs, suggestions, embeddings (owned by the tagger helper)."""

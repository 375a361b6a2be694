"""Provides the codebook queries of the store: versions and their codes."""

from __future__ import annotations


class CodebooksMixin:
    """Codebooks and codes (owned by the codebook helper)."""

"""Provides the read queries behind agreement figures and exports."""

from __future__ import annotations


class ReportsMixin:
    """Read-only queries for agreement and exports (owned by the exports helper)."""

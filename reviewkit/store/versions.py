"""Provides `Versions`: alternative texts of coded document fields (``document_versions``)."""

from __future__ import annotations

from reviewkit.records import DocumentVersion
from reviewkit.store.base import Part, now

CODED_FIELDS = ("title", "abstract", "title_alt", "abstract_alt")
"""The document fields that are cut into passages (and so can carry codings)."""


class Versions(Part):
    """Texts that arrived for a field whose coded text is kept (version 1 stays in ``documents``)."""

    def add(self, document_id: int, field: str, text: str, source: str) -> int:
        """Store `text` as the next version of the field (caller holds the transaction).

        Returns:
            The version number (2 for the first alternative); an identical text already stored
            keeps its number and is not stored twice.
        """
        same = self.db.execute(
            "SELECT version FROM document_versions WHERE document_id = ? AND field = ? AND text = ?",
            [document_id, field, text],
        ).fetchone()
        if same is not None:
            return int(same[0])
        last = self.db.execute(
            "SELECT max(version) FROM document_versions WHERE document_id = ? AND field = ?", [document_id, field]
        ).fetchone()[0]
        version = 2 if last is None else int(last) + 1
        self.db.execute(
            "INSERT INTO document_versions (document_id, field, version, text, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [document_id, field, version, text, source, now()],
        )
        return version

    def of(self, document_id: int) -> list[DocumentVersion]:
        """Every alternative text of a document, by field then version."""
        cur = self.db.execute(
            "SELECT document_id, field, version, text, source, created_at FROM document_versions "
            "WHERE document_id = ? ORDER BY field, version",
            [document_id],
        )
        return [DocumentVersion(int(r[0]), r[1], int(r[2]), r[3], r[4], r[5]) for r in cur]

    def move(self, from_doc: int, to_doc: int) -> None:
        """Give the versions of a merged-away document to the one it was merged into (renumbered)."""
        for version in self.of(from_doc):
            self.add(to_doc, version.field, version.text, version.source)
        self.db.execute("DELETE FROM document_versions WHERE document_id = ?", [from_doc])

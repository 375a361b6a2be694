"""Provides the qdpx export: a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder) with codes and codings.

The archive itself is written by `reviewkit.refi.project_write`; this module registers the format
and turns the export's rows into what the writer reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewkit.codebook.model import Code, Codebook
from reviewkit.errors import ExportError
from reviewkit.exporters.base import ExportData, Exporter
from reviewkit.refi.project_write import ProjectInfo, ProjectInvalidError, write_qdpx
from reviewkit.registry import exporters


def _codebook(data: ExportData) -> Codebook:
    book = getattr(data, "codebook", None)
    if isinstance(book, Codebook):
        return book
    codes = tuple(
        Code(
            id=c.id,
            label={k: v for k, v in (("en", c.label), ("zh", c.label_zh)) if v},
            parent=c.parent,
            definition=c.definition,
            color=c.color,
        )
        for c in data.codes
    )
    return Codebook(name=data.codebook_name, version=data.codebook_version, codes=codes)


@exporters.register("qdpx.v1")
class QdpxExporter(Exporter):
    """REFI-QDA project archive: codebook, documents as text sources, accepted codings as selections."""

    name = "qdpx"
    suffix = ".qdpx"
    description = "REFI-QDA project for NVivo / ATLAS.ti / MAXQDA / QualCoder (.qdpx)"
    all_statuses = True
    """Reads rejected decisions too (kept in the sources' reviewkit Description line)."""

    def extra_outputs(self, data: ExportData, out: Path) -> list[Path]:
        """None: everything goes into the archive."""
        return []

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the archive and check project.qde against the REFI schema.

        Returns:
            {"sources", "selections", "codings", "users", "codes", "skipped"} counts.

        Raises:
            ExportError: the project does not validate (a bug: the message lists the schema errors).
        """
        info = ProjectInfo(
            name=data.project,
            generator=data.generator,
            codebook_name=data.codebook_name,
            codebook_version=data.codebook_version,
            view=data.view,
            coders=tuple(data.coders),
        )
        try:
            return write_qdpx(
                path, info, _codebook(data), data.documents(), data.codings(), data.done_marks(), data.memos()
            )
        except ProjectInvalidError as exc:
            raise ExportError(str(exc)) from exc


__all__ = ["QdpxExporter"]

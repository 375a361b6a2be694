"""Provides the csv-wide export: one row per document, one 0/1 column per code (R, pandas, SPSS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewkit.exporters.base import ExportData, Exporter
from reviewkit.exporters.csvsafe import csv_writer
from reviewkit.registry import exporters

BASE_COLUMNS = ("key", "year", "title")


@exporters.register("csv-wide.v1")
class CsvWideExporter(Exporter):
    """A document × code matrix: 1 when the code is accepted on any passage of the document."""

    name = "csv-wide"
    suffix = ".csv"
    description = "one row per document, one 0/1 column per code (CSV)"
    merged_view = True

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the matrix (every document, every codable code). Returns {"rows", "columns"}."""
        codes = [c.id for c in data.codes if c.codable]
        coded: dict[int, set[str]] = {}
        for row in data.codings():
            if row.status == "accepted":
                coded.setdefault(row.document_id, set()).add(row.code_id)
        extra = sorted({c for s in coded.values() for c in s} - set(codes))
        codes += extra
        n = 0
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv_writer(fh, raw=data.raw)
            writer.writerow([*BASE_COLUMNS, *codes])
            for doc in data.documents():
                have = coded.get(doc.id, set())
                year = "" if doc.year is None else doc.year
                writer.writerow([doc.key, year, doc.title, *(1 if c in have else 0 for c in codes)])
                n += 1
        return {"rows": n, "columns": len(codes)}

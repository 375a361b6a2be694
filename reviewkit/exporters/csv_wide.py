"""Provides the csv-wide export: one row per document, one 0/1 column per code (blank: not reviewed), ``reviewed_by``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewkit.exporters.base import ExportData, Exporter
from reviewkit.exporters.csvsafe import csv_writer
from reviewkit.registry import exporters

BASE_COLUMNS = ("key", "year", "title")


@exporters.register("csv-wide.v1")
class CsvWideExporter(Exporter):
    """A document × code matrix: 1 applied, 0 reviewed without the code, blank not reviewed; plus ``reviewed_by``."""

    name = "csv-wide"
    suffix = ".csv"
    description = "one row per document, one 0/1 column per code (CSV)"
    merged_view = True

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the matrix (every document, every codable code). Returns {"rows", "columns", "reviewed"}.

        With review facts (`ExportData.review`), a document not reviewed under the view's source
        gets blank cells (not 0: nobody has said the code is absent), and ``reviewed_by`` lists
        the coders who reviewed it (``;``-separated).
        """
        codes = [c.id for c in data.codes if c.codable]
        facts = data.review()
        coded: dict[int, set[str]] = {}
        if facts is not None:
            coded = {d: set(cs) for d, cs in facts.applied.items()}
        else:
            for row in data.codings():
                if row.status == "accepted":
                    coded.setdefault(row.document_id, set()).add(row.code_id)
        extra = sorted({c for s in coded.values() for c in s} - set(codes))
        codes += extra
        n = reviewed = 0
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv_writer(fh, raw=data.raw)
            writer.writerow([*BASE_COLUMNS, *codes, *([] if facts is None else ["reviewed_by"])])
            for doc in data.documents():
                have = coded.get(doc.id, set())
                year = "" if doc.year is None else doc.year
                if facts is None:
                    writer.writerow([doc.key, year, doc.title, *(1 if c in have else 0 for c in codes)])
                else:
                    cells: list[Any] = [1 if c in have else 0 for c in codes]
                    if doc.id not in facts.reviewed:
                        cells = [""] * len(codes)
                    else:
                        reviewed += 1
                    by = ";".join(facts.reviewed_by.get(doc.id, ()))
                    writer.writerow([doc.key, year, doc.title, *cells, by])
                n += 1
        return {"rows": n, "columns": len(codes), "reviewed": reviewed if facts is not None else ""}

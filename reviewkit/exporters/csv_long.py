"""Provides the csv-long export: one row per document × passage × code × coder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewkit.exporters.base import ExportData, Exporter
from reviewkit.exporters.csvsafe import csv_writer
from reviewkit.exporters.long_format import LONG_COLUMNS, long_record, review_fields
from reviewkit.registry import exporters


@exporters.register("csv-long.v1")
class CsvLongExporter(Exporter):
    """UTF-8 CSV with the columns of `LONG_COLUMNS`; evidence is a JSON string."""

    name = "csv-long"
    suffix = ".csv"
    description = "one row per document × passage × code × coder (CSV)"

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the long CSV. Returns {"rows": n}."""
        n = 0
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv_writer(fh, raw=data.raw)
            writer.writerow(LONG_COLUMNS)
            facts = data.review()
            for row in data.codings():
                rec = long_record(row)
                rec |= {k: None if v is None else int(v) for k, v in review_fields(row, facts).items()}
                ev = rec["evidence"]
                rec["evidence"] = (
                    "" if ev in (None, {}, "") else json.dumps(ev, ensure_ascii=False, sort_keys=True)
                )
                writer.writerow(["" if rec.get(k) is None else rec[k] for k in LONG_COLUMNS])
                n += 1
        return {"rows": n}

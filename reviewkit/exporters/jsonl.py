"""Provides the jsonl export: the long format as one JSON object per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reviewkit.exporters.base import ExportData, Exporter
from reviewkit.exporters.long_format import long_record, review_fields
from reviewkit.registry import exporters


@exporters.register("jsonl.v1")
class JsonlExporter(Exporter):
    """JSON lines with the keys of `LONG_COLUMNS`; evidence is an object (null when none)."""

    name = "jsonl"
    suffix = ".jsonl"
    description = "one JSON object per document × passage × code × coder"

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the JSON lines. Returns {"rows": n}."""
        n = 0
        facts = data.review()
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for row in data.codings():
                rec = long_record(row) | review_fields(row, facts)
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        return {"rows": n}

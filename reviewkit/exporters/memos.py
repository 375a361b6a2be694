"""Provides the memos export: every memo with its target, coder and timestamps, as CSV or JSON lines.

``OUT.jsonl`` gives one JSON object per memo; any other suffix gives CSV (cells that a spreadsheet
would run as a formula get a leading ' unless ``--raw``). Passage memos carry the document key
and the passage's field and offsets, so they can be placed without the project.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reviewkit.exporters.base import ExportData, Exporter, MemoRow
from reviewkit.exporters.csvsafe import csv_writer
from reviewkit.registry import exporters

MEMO_COLUMNS = [
    "id", "target_kind", "target", "document_key", "field", "start", "end", "coder", "text", "created_at", "updated_at",
]  # fmt: skip


def memo_record(row: MemoRow) -> dict[str, Any]:
    """The exported fields of a memo (offsets blank for memos that are not on a passage)."""
    rec = {k: v for k, v in asdict(row).items() if k in MEMO_COLUMNS}
    if row.target_kind != "passage":
        rec["field"], rec["start"], rec["end"] = "", None, None
    return {k: rec[k] for k in MEMO_COLUMNS}


@exporters.register("memos.v1")
class MemosExporter(Exporter):
    """Memos (notes on passages, documents, codes and the project): CSV, or JSON lines for ``.jsonl``."""

    name = "memos"
    suffix = ".csv"
    description = "memos with target, coder and timestamps (.csv, or .jsonl)"

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the memos. Returns {"memos": n}."""
        n = 0
        jsonl = ".jsonl." in (path.name + ".").lower()  # OUT.jsonl, or its temporary .OUT.jsonl.*.part
        with path.open("w", encoding="utf-8", newline="\n" if jsonl else "") as fh:
            writer = None if jsonl else csv_writer(fh, raw=data.raw)
            if writer is not None:
                writer.writerow(MEMO_COLUMNS)
            for row in data.memos():
                rec = memo_record(row)
                if writer is None:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                else:
                    writer.writerow(["" if v is None else v for v in rec.values()])
                n += 1
        return {"memos": n}


__all__ = ["MEMO_COLUMNS", "MemosExporter", "memo_record"]

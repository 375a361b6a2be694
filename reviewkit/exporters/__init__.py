"""Provides the export formats of the coded dataset, registered in `reviewkit.registry.exporters`.

Importing this package registers the built-in formats: csv-long, jsonl, csv-wide, qdpx, ris,
trends, memos (each under a versioned name such as ``csv-long.v1``); the methods report is written by
`reviewkit.project.report` with `reviewkit.report`.
"""

from reviewkit.exporters import csv_long, csv_wide, jsonl, memos, qdpx, ris, trends_figure  # noqa: F401

__all__: list[str] = []

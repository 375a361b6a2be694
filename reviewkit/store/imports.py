"""Provides `Imports`: the import runs of a project and the corpus counts built on them."""

from __future__ import annotations

import builtins

from reviewkit.records import CorpusStats, ImportRun, ImportTotals
from reviewkit.store.base import Part, dumps, json_list, now


class Imports(Part):
    """One row per `reviewkit import` of one file."""

    def start(self, path: str, fmt: str, sha256: str = "", *, database: str = "") -> int:
        """Record the start of an import run (inside the caller's transaction) and return its id.

        Args:
            path: the imported file.
            fmt: its format's short name.
            sha256: the file's SHA-256.
            database: the database the file came from, as its content says ("": unknown).
        """
        cur = self.db.execute(
            "INSERT INTO imports (path, format, sha256, started_at, database) VALUES (?, ?, ?, ?, ?)",
            [path, fmt, sha256, now(), database],
        )
        return int(cur.lastrowid or 0)

    def finish(
        self, import_id: int, *, records: int, added: int, merged: int, skipped: builtins.list[str], sha256: str | None = None
    ) -> None:
        """Store the counts of an import run (and the file's SHA-256 when given: a big file's is worked out meanwhile)."""
        self.db.execute(
            "UPDATE imports SET finished_at = ?, records = ?, added = ?, merged = ?, skipped = ?, "
            "skipped_detail = ?, sha256 = coalesce(?, sha256) WHERE id = ?",
            [now(), records, added, merged, len(skipped), dumps(skipped), sha256, import_id],
        )

    def list(self) -> builtins.list[ImportRun]:
        """All import runs, oldest first."""
        cur = self.db.execute(
            "SELECT id, path, format, sha256, started_at, finished_at, records, added, merged, skipped, "
            "skipped_detail, database FROM imports ORDER BY id"
        )
        return [
            ImportRun(int(r[0]), r[1], r[2], r[3] or "", r[4], r[5], int(r[6]), int(r[7]), int(r[8]), int(r[9]),
                      tuple(str(x) for x in json_list(r[10])), r[11] or "")  # fmt: skip
            for r in cur
        ]

    def totals(self) -> ImportTotals:
        """Records read, added and merged over every import run (for the methods report)."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(records), 0), COALESCE(SUM(added), 0), COALESCE(SUM(merged), 0), "
            "COALESCE(SUM(skipped), 0) FROM imports"
        ).fetchone()
        return ImportTotals(
            imports=int(row[0]),
            records=int(row[1]),
            added=int(row[2]),
            merged=int(row[3]),
            skipped=int(row[4]),
            documents=int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]),
            passages=int(self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]),
        )

    def duplicate_counts(self) -> tuple[int, int]:
        """Duplicate records removed: (automatically at import, by a person with ``dedupe --merge``)."""
        row = self.db.execute(
            "SELECT COALESCE(SUM(match_reason != 'merged by hand'), 0), COALESCE(SUM(match_reason = 'merged by hand'), 0) "
            "FROM document_sources WHERE duplicate_of_existing = 1"
        ).fetchone()
        return int(row[0]), int(row[1])

    def corpus_stats(self) -> CorpusStats:
        """Counts of the corpus for `reviewkit stats` and the methods report."""
        q = self.db.execute

        def scalar(sql: str) -> int:
            return int(q(sql).fetchone()[0] or 0)

        by_lang = {str(k): int(v) for k, v in q("SELECT language, count(*) FROM documents GROUP BY language ORDER BY 2 DESC")}
        by_year = [(y, int(n)) for y, n in q("SELECT year, count(*) FROM documents GROUP BY year ORDER BY year")]
        by_format = {str(k): int(v) for k, v in q("SELECT source_format, count(*) FROM document_sources GROUP BY source_format")}
        return CorpusStats(
            documents=scalar("SELECT count(*) FROM documents"),
            records_imported=scalar("SELECT count(*) FROM document_sources"),
            duplicates_merged=scalar("SELECT count(*) FROM document_sources WHERE duplicate_of_existing = 1"),
            records_skipped=scalar("SELECT coalesce(sum(skipped), 0) FROM imports"),
            imports=scalar("SELECT count(*) FROM imports"),
            with_abstract=scalar("SELECT count(*) FROM documents WHERE abstract != '' OR abstract_alt != ''"),
            bilingual=scalar("SELECT count(*) FROM documents WHERE title_alt != ''"),
            years=[int(y) for y, _ in by_year if y is not None],
            by_year=by_year,
            by_language=by_lang,
            by_format=by_format,
            passages=scalar("SELECT count(*) FROM passages"),
            suggestions=scalar("SELECT count(*) FROM suggestions"),
            codings=scalar("SELECT count(*) FROM codings"),
            killed_runs=scalar("SELECT count(*) FROM tag_runs WHERE status = 'killed'"),
            unindexed=scalar("SELECT count(*) FROM fts_pending"),
        )

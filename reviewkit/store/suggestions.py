"""Provides `Suggestions`: every query on tagger suggestions, tagger runs and the per-code tagging state."""

from __future__ import annotations

import builtins
import os
import socket
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from reviewkit.records import Evidence, QueueEntry, StoredSuggestion, Suggestion, TagRun
from reviewkit.store.base import Part, dumps, json_dict, marks, now
from reviewkit.store.passages import chunks, passage

_SUGG = "s.id, s.passage_id, s.code_id, s.score, s.threshold, s.method, s.evidence, s.tagger_version, s.codebook_id, p.document_id, s.run_id"


def evidence(text: Any) -> Evidence:
    """The tagger's evidence JSON read defensively (bad term entries are dropped)."""
    ev = json_dict(text)
    terms: builtins.list[tuple[str, int, int]] = []
    for t in ev.get("terms") or []:
        try:
            terms.append((str(t[0]), int(t[1]), int(t[2])))
        except (TypeError, ValueError, IndexError, KeyError):
            continue
    sim = ev.get("similarity")
    parts = ev.get("parts")
    return Evidence(
        terms=tuple(terms),
        negatives=tuple(str(n) for n in ev.get("negatives") or []),
        nearest_example=str(ev.get("nearest_example") or ""),
        similarity=float(sim) if isinstance(sim, int | float) else 0.0,
        parts={str(k): float(v) for k, v in parts.items() if isinstance(v, int | float)} if isinstance(parts, dict) else {},
    )


def _stored(r: Sequence[Any]) -> StoredSuggestion:
    sugg = Suggestion(int(r[1]), r[2], float(r[3]), float(r[4]), r[5], evidence(r[6]), r[7])
    return StoredSuggestion(int(r[0]), sugg, int(r[8]), int(r[9]), r[10])


class Suggestions(Part):
    """Suggestions of the tagger, its runs, and which (document, code) pairs are up to date."""

    # --------------------------------------------------------------------- reading
    def list(
        self, *, codebook_id: int | None = None, document_id: int | None = None, code_id: str | None = None
    ) -> builtins.list[StoredSuggestion]:
        """Suggestions, filtered, ordered by document, passage order and score (highest first)."""
        where, params = ["1"], []
        for col, val in (("s.codebook_id", codebook_id), ("p.document_id", document_id), ("s.code_id", code_id)):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        cur = self.db.execute(
            f"SELECT {_SUGG} FROM passages p CROSS JOIN suggestions s ON s.passage_id = p.id "
            f"WHERE {' AND '.join(where)} ORDER BY p.document_id, p.seq, s.score DESC",
            params,
        )
        return [_stored(r) for r in cur]

    def of_document(self, document_id: int, codebook_id: int) -> builtins.list[StoredSuggestion]:
        """Every stored suggestion (near misses included) on the passages of a document under a version."""
        return self.list(codebook_id=codebook_id, document_id=document_id)

    def suggested(self, codebook_id: int) -> builtins.list[tuple[int, int, str]]:
        """(passage_id, document_id, code_id) the tagger suggests (score >= threshold) under a version."""
        return [
            (int(p), int(d), str(c))
            for p, d, c in self.db.execute(
                "SELECT s.passage_id, p.document_id, s.code_id FROM suggestions s "
                "JOIN passages p ON p.id = s.passage_id WHERE s.codebook_id = ? AND s.score >= s.threshold",
                [codebook_id],
            )
        ]

    def queue(
        self, coder: str, codebook_id: int, limit: int = 100, offset: int = 0, *, document_ids: Iterable[int] | None = None
    ) -> builtins.list[QueueEntry]:
        """Suggestions the coder has not decided yet, most uncertain (score nearest threshold) first.

        Includes near misses stored below their threshold: they are as uncertain as those just above.
        Suggestions on documents assigned to the coder come first (`QueueEntry.assigned`).
        `document_ids` limits them to those documents (the screening scope).
        """
        scope = "" if document_ids is None else "AND p.document_id IN (SELECT value FROM json_each(?)) "
        extra = [] if document_ids is None else [dumps(sorted(document_ids))]
        cur = self.db.execute(
            f"SELECT {_SUGG}, p.id, p.document_id, p.field, p.seq, p.start, p.\"end\", p.text, p.lang, d.title, d.year, "
            "EXISTS (SELECT 1 FROM assignments a WHERE a.document_id = d.id AND a.coder = ?) AS mine "
            "FROM suggestions s JOIN passages p ON p.id = s.passage_id JOIN documents d ON d.id = p.document_id "
            "WHERE s.codebook_id = ? AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.passage_id = s.passage_id "
            "AND c.codebook_id = s.codebook_id AND c.code_id = s.code_id AND c.coder = ?) "
            f"{scope}ORDER BY mine DESC, abs(s.score - s.threshold), s.id LIMIT ? OFFSET ?",
            [coder, codebook_id, coder, *extra, limit, offset],
        )
        return [QueueEntry(_stored(r[:11]), passage(r[11:19]), r[19] or "", r[20], bool(r[21])) for r in cur]

    def documents_per_year(self, code_ids: Sequence[str], *, codebook_id: int | None = None) -> dict[int, int]:
        """Per year, how many documents have ANY of `code_ids` suggested (score >= threshold)."""
        if not code_ids:
            return {}
        sql = (
            "SELECT d.year, COUNT(DISTINCT d.id) FROM suggestions x JOIN passages p ON p.id = x.passage_id "
            f"JOIN documents d ON d.id = p.document_id WHERE x.code_id IN ({','.join('?' * len(code_ids))}) "
            "AND x.score >= x.threshold"
        )
        args: builtins.list[Any] = list(code_ids)
        if codebook_id is not None:
            sql += " AND x.codebook_id = ?"
            args.append(codebook_id)
        sql += " AND d.year IS NOT NULL GROUP BY d.year"
        return {int(y): int(n) for y, n in self.db.execute(sql, args)}

    # --------------------------------------------------------------- tagging state
    def documents_to_code(
        self, codebook_name: str, fingerprints: dict[str, str], *, after_id: int = 0, limit: int = 500
    ) -> builtins.list[tuple[int, set[str]]]:
        """Documents (with passages) whose tagging state for some code differs from `fingerprints`.

        Args:
            codebook_name: the codebook's name (state survives new versions of the codebook).
            fingerprints: code id -> fingerprint the state must have to be up to date.
            after_id: paging cursor.
            limit: page size.

        Returns:
            (document id, codes to (re)do) pairs ordered by document id.
        """
        if not fingerprints:
            return []
        values = ",".join("(?, ?)" for _ in fingerprints)
        params: builtins.list[Any] = [x for kv in fingerprints.items() for x in kv]
        sql = f"""
            WITH wanted(code_id, fingerprint) AS (VALUES {values})
            SELECT d.id, w.code_id FROM documents d CROSS JOIN wanted w
            WHERE d.id IN (
                SELECT DISTINCT document_id FROM passages WHERE document_id > ? ORDER BY document_id LIMIT ?
            )
            AND NOT EXISTS (
                SELECT 1 FROM tag_state t WHERE t.document_id = d.id AND t.codebook_name = ?
                AND t.code_id = w.code_id AND t.fingerprint = w.fingerprint
            )
            ORDER BY d.id
        """
        out: dict[int, set[str]] = {}
        cursor = after_id
        # Page over documents with passages until some work is found or none are left.
        while True:
            found = self.db.execute(sql, [*params, cursor, limit, codebook_name]).fetchall()
            last = self.db.execute(
                "SELECT max(document_id) FROM (SELECT DISTINCT document_id FROM passages "
                "WHERE document_id > ? ORDER BY document_id LIMIT ?)",
                [cursor, limit],
            ).fetchone()[0]
            for doc_id, code_id in found:
                out.setdefault(int(doc_id), set()).add(str(code_id))
            if out or last is None:
                break
            cursor = int(last)
        return sorted(out.items())

    def count_to_code(self, codebook_name: str, fingerprints: dict[str, str]) -> tuple[int, int]:
        """(documents, passages) that need (re)coding for at least one code."""
        if not fingerprints:
            return 0, 0
        values = ",".join("(?, ?)" for _ in fingerprints)
        params: builtins.list[Any] = [x for kv in fingerprints.items() for x in kv]
        row = self.db.execute(
            f"""
            WITH wanted(code_id, fingerprint) AS (VALUES {values}),
            todo AS (
                SELECT DISTINCT p.document_id AS id FROM (SELECT DISTINCT document_id FROM passages) p
                CROSS JOIN wanted w
                WHERE NOT EXISTS (
                    SELECT 1 FROM tag_state t WHERE t.document_id = p.document_id AND t.codebook_name = ?
                    AND t.code_id = w.code_id AND t.fingerprint = w.fingerprint
                )
            )
            SELECT (SELECT count(*) FROM todo),
                   (SELECT count(*) FROM passages WHERE document_id IN (SELECT id FROM todo))
            """,
            [*params, codebook_name],
        ).fetchone()
        return int(row[0]), int(row[1])

    # ------------------------------------------------------------------- writing
    def carry_over(self, codebook_id: int, codebook_name: str, code_ids: Iterable[str]) -> int:
        """Move suggestions of earlier versions of a codebook to version `codebook_id` for unchanged codes.

        Returns:
            Number of suggestions moved.
        """
        ids = list(code_ids)
        if not ids:
            return 0
        with self.transaction():
            cur = self.db.execute(
                f"UPDATE OR IGNORE suggestions SET codebook_id = ? WHERE code_id IN ({','.join('?' * len(ids))}) "
                "AND codebook_id IN (SELECT id FROM codebooks WHERE name = ? AND id != ?)",
                [codebook_id, *ids, codebook_name, codebook_id],
            )
            return int(cur.rowcount or 0)

    def save_results(
        self,
        *,
        run_id: int,
        codebook_id: int,
        codebook_name: str,
        todo: dict[int, set[str]],
        fingerprints: dict[str, str],
        rows: Sequence[dict[str, Any]],
        keep: Callable[[int, str], bool] | None = None,
    ) -> int:
        """Replace the suggestions of the (document, code) pairs in `todo` and mark them up to date.

        Args:
            run_id: the tagger run.
            codebook_id: the codebook version the suggestions belong to.
            codebook_name: its name (key of the tagging state).
            todo: document id -> codes that were (re)done.
            fingerprints: code id -> fingerprint to record.
            rows: suggestions: mappings with passage_id, code_id, score, threshold, method,
                evidence (dict), tagger_version.
            keep: (passage id, code id) -> True for suggestions to leave as they are (decided by a
                coder): not deleted, and never replaced by `rows`. With `keep`, a suggestion decided
                (or on a passage marked done) while the run was under way is kept too.

        Returns:
            Number of suggestions written.
        """
        stamp = now()
        with self.transaction():
            for doc_id, codes in todo.items():
                where = (
                    f"FROM suggestions WHERE code_id IN ({','.join('?' * len(codes))}) "
                    "AND passage_id IN (SELECT id FROM passages WHERE document_id = ?) "
                    "AND codebook_id IN (SELECT id FROM codebooks WHERE name = ?)"
                )
                args = [*codes, doc_id, codebook_name]
                if keep is None:
                    self.db.execute("DELETE " + where, args)
                    continue
                decided = (
                    " AND NOT EXISTS (SELECT 1 FROM codings c WHERE c.passage_id = suggestions.passage_id "
                    "AND c.code_id = suggestions.code_id AND c.codebook_id IN (SELECT id FROM codebooks WHERE name = ?)) "
                    "AND passage_id NOT IN (SELECT passage_id FROM passage_reviews WHERE codebook = ?)"
                )
                gone = [
                    int(i)
                    for i, p, c in self.db.execute(
                        "SELECT id, passage_id, code_id " + where + decided, [*args, codebook_name, codebook_name]
                    )
                    if not keep(int(p), str(c))
                ]
                for chunk in chunks(gone):
                    self.db.execute(f"DELETE FROM suggestions WHERE id IN ({marks(chunk)})", list(chunk))
            self.db.conn.executemany(
                f"INSERT OR {'IGNORE' if keep else 'REPLACE'} INTO suggestions (passage_id, codebook_id, code_id, score, threshold, method, "
                "evidence, tagger_version, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (r["passage_id"], codebook_id, r["code_id"], r["score"], r["threshold"], r["method"],
                     dumps(r["evidence"]), r["tagger_version"], run_id, stamp)  # fmt: skip
                    for r in rows
                ],
            )
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO tag_state (document_id, codebook_name, code_id, fingerprint, run_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [(doc, codebook_name, c, fingerprints[c], run_id) for doc, codes in todo.items() for c in codes],
            )
        return len(rows)

    # ------------------------------------------------------------------ tag runs
    def start_run(
        self, codebook_id: int, tagger_version: str, config: dict[str, Any], model: str, *, decisions: int = 0
    ) -> int:
        """Record the start of a tagger run (status running); returns its id."""
        with self.transaction():
            cur = self.db.execute(
                "INSERT INTO tag_runs (codebook_id, tagger_version, config, model, started_at, status, decisions, "
                "pid, host) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
                [codebook_id, tagger_version, dumps(config), model, now(), decisions, os.getpid(), socket.gethostname()],
            )
            return int(cur.lastrowid or 0)

    def finish_run(
        self, run_id: int, *, documents: int, passages: int, suggestions: int, status: str = "finished"
    ) -> None:
        """Record the end of a run (finished, or killed when it stopped early) and its counts."""
        with self.transaction():
            self.db.execute(
                "UPDATE tag_runs SET finished_at = ?, documents = ?, passages = ?, suggestions = ?, status = ? "
                "WHERE id = ?",
                [now(), documents, passages, suggestions, status, run_id],
            )

    def mark_killed_runs(self) -> builtins.list[int]:
        """Mark 'running' runs whose process is gone (killed, crashed, machine restarted) as 'killed'.

        A run started on another machine (a shared folder) is left alone: its process cannot be checked.

        Returns:
            The ids of the runs marked now.
        """
        host = socket.gethostname()
        gone = [
            int(run_id)
            for run_id, pid, run_host in self.db.execute("SELECT id, pid, host FROM tag_runs WHERE status = 'running'")
            if pid is None or (run_host == host and not _alive(int(pid)))
        ]
        if gone:
            with self.transaction():
                self.db.execute(
                    f"UPDATE tag_runs SET status = 'killed' WHERE status = 'running' AND id IN ({marks(gone)})", gone
                )
        return gone

    def runs(self) -> builtins.list[TagRun]:
        """All tagger runs, newest first."""
        cur = self.db.execute(
            "SELECT id, codebook_id, tagger_version, config, model, started_at, finished_at, documents, passages, "
            "suggestions, status, decisions FROM tag_runs ORDER BY id DESC"
        )
        return [
            TagRun(int(r[0]), int(r[1]), r[2], json_dict(r[3]), r[4] or "", r[5], r[6], int(r[7]), int(r[8]),
                   int(r[9]), r[10] or "finished", int(r[11] or 0))  # fmt: skip
            for r in cur
        ]


def _alive(pid: int) -> bool:
    """True when a process with this id exists on this machine."""
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True

"""Provides the schema of a reviewkit project, built and upgraded only through these migrations.

Never edit a migration that has been released: add a new decorated function at the end.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from reviewkit.store.schema_v1 import (
    m001_documents,
    m002_passages_codebooks,
    m003_tagging,
    m004_codings_audit,
)

migrations = Migrations("reviewkit")

# The first steps live in `schema_v1` (names unchanged, so existing project files see them as applied).
for _step in (m001_documents, m002_passages_codebooks, m003_tagging, m004_codings_audit):
    migrations()(_step)


@migrations()
def m005_duplicate_decisions(db: Database) -> None:
    """A person's decision that two near-duplicate documents are distinct (so dedupe stops listing them)."""
    db.execute(
        """
        CREATE TABLE duplicate_decisions (
            a INTEGER NOT NULL,
            b INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('distinct')),
            coder TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL,
            PRIMARY KEY (a, b)
        )
        """
    )


@migrations()
def m006_review_round2(db: Database) -> None:
    """Screening stages and notes, the screening protocol, memos, assignments, passage reviews,
    tag-run status, and the codebook kept as canonical JSON (``codebooks.data``)."""
    import json

    import yaml

    db.execute("ALTER TABLE screening RENAME TO screening_m005")
    db.execute(
        """
        CREATE TABLE screening (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            stage TEXT NOT NULL DEFAULT 'title_abstract' CHECK (stage IN ('title_abstract', 'full_text')),
            decision TEXT NOT NULL CHECK (
                decision IN ('include', 'exclude', 'maybe')
                OR (stage = 'full_text' AND decision = 'not_retrieved')
            ),
            reason TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL,
            PRIMARY KEY (document_id, coder, stage)
        )
        """
    )
    db.execute(
        "INSERT INTO screening (document_id, coder, stage, decision, reason, note, decided_at) "
        "SELECT document_id, coder, 'title_abstract', decision, reason, '', decided_at FROM screening_m005"
    )
    db.execute("DROP TABLE screening_m005")
    db.execute(
        """
        CREATE TABLE screening_protocol (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            criteria TEXT NOT NULL DEFAULT '',
            reasons TEXT NOT NULL DEFAULT '[]',
            source TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            target_kind TEXT NOT NULL CHECK (target_kind IN ('passage', 'document', 'code', 'project')),
            target TEXT NOT NULL DEFAULT '',
            coder TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_memos_target ON memos(target_kind, target)")
    db.execute(
        """
        CREATE TABLE assignments (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            overlap INTEGER NOT NULL DEFAULT 0,
            seed INTEGER,
            created_at TEXT NOT NULL,
            PRIMARY KEY (document_id, coder)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE passage_reviews (
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            codebook TEXT NOT NULL,
            reviewed_at TEXT NOT NULL,
            PRIMARY KEY (passage_id, coder, codebook)
        )
        """
    )
    db.execute("ALTER TABLE tag_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'finished'")
    db.execute("ALTER TABLE tag_runs ADD COLUMN decisions INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE codebooks ADD COLUMN data TEXT NOT NULL DEFAULT '{}'")
    # Earlier versions kept only the YAML text: read it once, here, into the canonical JSON.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for codebook_id, source in db.execute("SELECT id, source FROM codebooks").fetchall():
        try:
            data = yaml.load(source or "", Loader=loader) or {}
        except yaml.YAMLError:
            data = {}
        db.execute(
            "UPDATE codebooks SET data = ? WHERE id = ?",
            [json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str), codebook_id],
        )


@migrations()
def m007_versions_and_index_queue(db: Database) -> None:
    """Alternative texts of coded documents, the queue of documents the full-text index still lacks,
    and the process of each tagger run (so that a killed run can be told from a running one).

    ``document_versions`` keeps a title/abstract that arrived (by import or merge) for a document whose
    text has codings: the coded text stays in ``documents`` (version 1), the new one is stored here
    (version 2, 3 ...). ``fts_pending`` lists documents written but not yet in ``documents_fts``:
    imports commit the records first and index them in a second, resumable step.
    """
    db.execute(
        """
        CREATE TABLE document_versions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            version INTEGER NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (document_id, field, version)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE fts_pending (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
        )
        """
    )
    db.execute("ALTER TABLE tag_runs ADD COLUMN pid INTEGER")
    db.execute("ALTER TABLE tag_runs ADD COLUMN host TEXT NOT NULL DEFAULT ''")


@migrations()
def m008_import_database(db: Database) -> None:
    """The database an import run's file came from, as its content names it ("" when it does not say)."""
    db.execute("ALTER TABLE imports ADD COLUMN database TEXT NOT NULL DEFAULT ''")


@migrations()
def m009_no_year_index(db: Database) -> None:
    """Drop the index on ``documents(year)``: ``(year, norm_title)`` serves every query by year as well,
    and each index costs every imported document a B-tree insert (a tenth of a big import's writing)."""
    db.execute("DROP INDEX IF EXISTS idx_documents_year")

"""Provides the first four schema steps of a project (documents, passages and codebooks, tagging, codings).

`reviewkit.store.migrations` registers them, in this order, before its later steps. They are released:
never edit them; change the schema with a new migration there.
"""

from __future__ import annotations

from sqlite_utils import Database


def m001_documents(db: Database) -> None:
    """Documents, their sources (one row per imported record, duplicates included) and import runs."""
    db.execute(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)
        """
    )
    db.execute(
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            sha256 TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            records INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            merged INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            skipped_detail TEXT NOT NULL DEFAULT '[]'
        )
        """
    )
    db.execute(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            abstract TEXT NOT NULL DEFAULT '',
            authors TEXT NOT NULL DEFAULT '[]',
            year INTEGER,
            journal TEXT NOT NULL DEFAULT '',
            volume TEXT NOT NULL DEFAULT '',
            issue TEXT NOT NULL DEFAULT '',
            pages TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            type TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            title_alt TEXT NOT NULL DEFAULT '',
            abstract_alt TEXT NOT NULL DEFAULT '',
            authors_alt TEXT NOT NULL DEFAULT '[]',
            journal_alt TEXT NOT NULL DEFAULT '',
            language_alt TEXT NOT NULL DEFAULT '',
            keywords TEXT NOT NULL DEFAULT '[]',
            url TEXT NOT NULL DEFAULT '',
            source_format TEXT NOT NULL DEFAULT '',
            source_file TEXT NOT NULL DEFAULT '',
            raw TEXT NOT NULL DEFAULT '{}',
            norm_title TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_documents_doi ON documents(doi) WHERE doi != ''")
    db.execute("CREATE INDEX idx_documents_year ON documents(year)")
    db.execute("CREATE INDEX idx_documents_title_key ON documents(year, norm_title)")
    db.execute(
        """
        CREATE TABLE document_sources (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            import_id INTEGER REFERENCES imports(id),
            source_format TEXT NOT NULL,
            source_file TEXT NOT NULL,
            source_line INTEGER,
            source_key TEXT NOT NULL DEFAULT '',
            duplicate_of_existing INTEGER NOT NULL DEFAULT 0,
            match_reason TEXT NOT NULL DEFAULT '',
            similarity REAL,
            raw TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_sources_document ON document_sources(document_id)")
    # Standalone FTS5 table, rowid = documents.id. Text is indexed with CJK characters spaced
    # apart so that any Chinese substring query works as a phrase (see store.documents.fts_text).
    db.execute(
        """
        CREATE VIRTUAL TABLE documents_fts USING fts5(
            title, abstract, keywords, authors,
            tokenize = 'porter unicode61 remove_diacritics 2'
        )
        """
    )


def m002_passages_codebooks(db: Database) -> None:
    """Passages, codebooks and their codes."""
    db.execute(
        """
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            seq INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT '',
            text_hash TEXT NOT NULL,
            UNIQUE (document_id, field, start, "end")
        )
        """
    )
    db.execute("CREATE INDEX idx_passages_document ON passages(document_id, seq)")
    db.execute(
        """
        CREATE TABLE codebooks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            source TEXT NOT NULL,
            path TEXT NOT NULL DEFAULT '',
            loaded_at TEXT NOT NULL,
            is_current INTEGER NOT NULL DEFAULT 1,
            UNIQUE (name, content_hash)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE codes (
            codebook_id INTEGER NOT NULL REFERENCES codebooks(id) ON DELETE CASCADE,
            code_id TEXT NOT NULL,
            parent TEXT,
            position INTEGER NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            label_zh TEXT NOT NULL DEFAULT '',
            definition TEXT NOT NULL DEFAULT '',
            include TEXT NOT NULL DEFAULT '',
            exclude TEXT NOT NULL DEFAULT '',
            keywords TEXT NOT NULL DEFAULT '{}',
            negative_keywords TEXT NOT NULL DEFAULT '{}',
            examples TEXT NOT NULL DEFAULT '{}',
            threshold REAL,
            color TEXT NOT NULL DEFAULT '',
            code_hash TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (codebook_id, code_id)
        )
        """
    )


def m003_tagging(db: Database) -> None:
    """Tagger runs, suggestions, per-(document, code) tagging state and the embedding cache."""
    db.execute(
        """
        CREATE TABLE tag_runs (
            id INTEGER PRIMARY KEY,
            codebook_id INTEGER NOT NULL REFERENCES codebooks(id),
            tagger_version TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}',
            model TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            finished_at TEXT,
            documents INTEGER NOT NULL DEFAULT 0,
            passages INTEGER NOT NULL DEFAULT 0,
            suggestions INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute(
        """
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            codebook_id INTEGER NOT NULL REFERENCES codebooks(id),
            code_id TEXT NOT NULL,
            score REAL NOT NULL,
            threshold REAL NOT NULL,
            method TEXT NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}',
            tagger_version TEXT NOT NULL,
            run_id INTEGER REFERENCES tag_runs(id),
            created_at TEXT NOT NULL,
            UNIQUE (passage_id, codebook_id, code_id)
        )
        """
    )
    db.execute("CREATE INDEX idx_suggestions_code ON suggestions(codebook_id, code_id)")
    db.execute(
        """
        CREATE TABLE tag_state (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            codebook_name TEXT NOT NULL,
            code_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            run_id INTEGER REFERENCES tag_runs(id),
            PRIMARY KEY (document_id, codebook_name, code_id)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        ) WITHOUT ROWID
        """
    )


def m004_codings_audit(db: Database) -> None:
    """Reviewer decisions, the append-only audit log, and screening decisions."""
    db.execute(
        """
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            codebook_id INTEGER NOT NULL REFERENCES codebooks(id),
            code_id TEXT NOT NULL,
            coder TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
            origin TEXT NOT NULL DEFAULT 'manual',
            suggestion_id INTEGER,
            score REAL,
            created_at TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            UNIQUE (passage_id, codebook_id, code_id, coder)
        )
        """
    )
    db.execute("CREATE INDEX idx_codings_coder ON codings(coder, code_id)")
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            coder TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            before TEXT,
            after TEXT,
            batch TEXT NOT NULL DEFAULT '',
            undoes INTEGER REFERENCES audit(id)
        )
        """
    )
    db.execute("CREATE INDEX idx_audit_coder ON audit(coder, id)")
    db.execute(
        """
        CREATE TABLE screening (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            coder TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('include', 'exclude', 'maybe')),
            reason TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL,
            PRIMARY KEY (document_id, coder)
        )
        """
    )

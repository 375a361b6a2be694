"""Provides `StoreBase` (the connection, pragmas, migrations and write transactions of a project file) and `Part`."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from reviewkit.errors import SchemaVersionError, StoreError
from reviewkit.store.migrations import migrations

BUSY_TIMEOUT_S = 30.0
PAGE_SIZE = 16384
"""Page size of new project files (SQLite's default is 4096): rows hold whole abstracts, and a big import
writes (and checkpoints) a quarter as many pages. Existing files keep theirs."""


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (sortable text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    """JSON for storage: compact, UTF-8 kept readable (Chinese is not escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=list)


class StoreBase:
    """The open project database; `reviewkit.store.Store` adds one part object per kind of data."""

    def __init__(self, db: Database, path: str) -> None:
        self.db = db
        self.path = path
        self.read_only = False
        """True when the file is not writable: reading works, `transaction()` raises StoreError."""
        self._checkpoints: list[threading.Thread] = []

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Self:
        """Open (and create or upgrade) the project at `path`; ``":memory:"`` for a throwaway one.

        Args:
            path: the SQLite file.
            create: create the file when it does not exist (else raise StoreError).

        Raises:
            StoreError: the file is missing (create=False), not SQLite, or not a reviewkit project.
            SchemaVersionError: the file was written by a newer reviewkit.
        """
        spath = str(path)
        if spath != ":memory:":
            p = Path(spath)
            if not p.exists() and not create:
                raise StoreError(
                    f"No project at {spath}. Create one with `reviewkit init --db {spath}` "
                    "or choose another with --db / REVIEWKIT_DB."
                )
            if p.exists() and p.is_dir():
                raise StoreError(f"{spath} is a directory, not a project file.")
            if p.parent and not p.parent.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
        read_only = spath != ":memory:" and Path(spath).exists() and _read_only(spath)
        if spath != ":memory:" and Path(spath).exists() and _open_here[_key(spath)] == 0:
            # (reading the file while this process has it open would drop SQLite's POSIX locks on it:
            # closing any descriptor of the file does; the review app opens a reader beside its writer)
            _check_header(spath)
        try:
            if read_only:
                uri = Path(spath).resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            else:
                conn = sqlite3.connect(spath, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            db = Database(conn)
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            # Look before writing anything: a foreign SQLite file must be refused unchanged.
            tables = set(db.table_names())
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc):
                raise StoreError(
                    f"{spath} is damaged (SQLite said: {exc}). Restore it from a backup."
                ) from exc
            raise StoreError(f"{spath} is not a reviewkit project (SQLite said: {exc}).") from exc
        if tables and "_sqlite_migrations" not in tables:
            conn.close()
            raise StoreError(
                f"{spath} is an SQLite file but not a reviewkit project (tables: {', '.join(sorted(tables))})."
            )
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(db)} if tables else set()
        unknown = applied - known
        if unknown:
            conn.close()
            raise SchemaVersionError(
                f"{spath} was written by a newer reviewkit (schema steps {', '.join(sorted(unknown))}); upgrade reviewkit."
            )
        if read_only and known - applied:
            conn.close()
            raise StoreError(
                f"{spath} is read-only and needs a schema upgrade; make it writable (chmod u+w {spath})."
            )
        try:
            db.execute("PRAGMA foreign_keys = ON")
            if not tables and not read_only:  # a new file: nothing written yet, so the page size can still be set
                db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            if spath != ":memory:" and not read_only:
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":  # pragma: no cover - e.g. network filesystems
                    raise StoreError(f"{spath}: could not switch the database to WAL mode (got {mode}).")
                db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA cache_size = -65536")  # 64 MB of page cache: big imports stay fast
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{spath} is damaged or cannot be opened (SQLite said: {exc}).") from exc
        if known - applied:
            _retry_locked(spath, lambda: migrations.apply(db))
        store = cls(db, spath)
        store.read_only = read_only
        if spath != ":memory:":
            _open_here[_key(spath)] += 1
        if not read_only:
            store.after_open()
        return store

    def after_open(self) -> None:
        """Housekeeping when a writable project is opened (`reviewkit.store.Store` marks killed runs)."""

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed by SQLite), after any background checkpoint."""
        self.wait_checkpoint()
        self.db.conn.close()
        key = _key(self.path)
        if self.path != ":memory:" and _open_here[key] > 0:
            _open_here[key] -= 1

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction: everything inside commits together or not at all.

        Uses ``BEGIN IMMEDIATE`` so that two reviewers writing the same file wait for each other
        (busy timeout) instead of failing; nested use becomes a savepoint.
        """
        conn = self.db.conn
        if self.read_only:
            raise StoreError(
                f"{self.path} is read-only: this command changes the project. "
                f"Make the file writable (chmod u+w {self.path}) or work on a copy."
            )
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        _retry_locked(self.path, lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    @contextmanager
    def bulk_transaction(self) -> Iterator[Database]:
        """`transaction` for a big write: after the commit, its pages reach the file in the background.

        A commit in WAL mode appends the pages to the ``-wal`` file; SQLite then copies them into
        the project file (a checkpoint) before the commit returns, which for a big import (hundreds
        of MB) costs about a tenth of the whole import. Here the commit returns at once and a helper
        thread, on its own connection, runs the checkpoint while the caller goes on (the index step
        after an import, say). The commit is as safe as any other: committed pages in the WAL are
        part of the database (readers see them, a crash keeps them). `close()` waits for the checkpoint.
        """
        if self.path == ":memory:" or self.db.conn.in_transaction:
            with self.transaction() as db:
                yield db
            return
        conn = self.db.conn
        previous = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            with self.transaction() as db:
                yield db
        finally:
            with contextlib.suppress(sqlite3.Error):  # (never hides the error that ended the transaction)
                conn.execute(f"PRAGMA wal_autocheckpoint = {previous}")
        thread = threading.Thread(target=_checkpoint, args=(self.path,), name="reviewkit-checkpoint")
        thread.start()
        self._checkpoints.append(thread)

    def wait_checkpoint(self) -> None:
        """Wait for the background checkpoints of `bulk_transaction` (if any) to end."""
        while self._checkpoints:
            self._checkpoints.pop().join()

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """Read a project setting from the ``meta`` table."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Write a project setting to the ``meta`` table."""
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


class Part:
    """One kind of data of the store (documents, passages, codings ...): owns every query on it."""

    def __init__(self, base: StoreBase) -> None:
        self._base = base
        self.db = base.db

    def transaction(self) -> contextlib.AbstractContextManager[Database]:
        """The store's write transaction (see `StoreBase.transaction`)."""
        return self._base.transaction()


def rows(cursor: Any) -> list[dict[str, Any]]:
    """The rows of a cursor as column -> value mappings (internal helper of the parts)."""
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor]


def json_value(text: Any, default: Any) -> Any:
    """Decode a JSON column, `default` when it is empty or not JSON."""
    if not isinstance(text, str) or not text:
        return default if text is None or text == "" else text
    try:
        return json.loads(text)
    except ValueError:
        return default


def json_list(text: Any) -> tuple[Any, ...]:
    """Decode a JSON list column as a tuple (a bare string becomes a one-item tuple)."""
    value = json_value(text, [])
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value) if isinstance(value, list) else ()


def json_dict(text: Any) -> dict[str, Any]:
    """Decode a JSON object column ({} when it is not one)."""
    value = json_value(text, {})
    return value if isinstance(value, dict) else {}


def marks(values: Any) -> str:
    """``?,?,?`` for an SQL ``IN`` list of `values`."""
    return ",".join("?" * len(values))


def _checkpoint(path: str) -> None:
    """Copy the committed WAL pages of `path` into the file (on a connection of its own; skipped when busy)."""
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
    except sqlite3.Error:  # the next commit's automatic checkpoint catches up
        pass


def _retry_locked(path: str, fn: Callable[[], Any], attempts: int = 5) -> Any:
    """Call `fn`, retrying when SQLite still reports 'database is locked' after the busy timeout."""
    for attempt in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            if attempt == attempts - 1:
                raise StoreError(f"{path} is locked by another process; try again.") from exc
            time.sleep(0.2 * (attempt + 1))
    return None  # pragma: no cover


def _read_only(path: str) -> bool:
    """True when the file is not writable, or has no owner write bit (chmod 0444 counts even for root)."""
    return not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o200


_SQLITE_MAGIC = b"SQLite format 3\x00"


_open_here: Counter[str] = Counter()
"""How many connections this process has open on each project file (by real path)."""


def _key(path: str) -> str:
    return os.path.realpath(path)


def _check_header(path: str) -> None:
    """Refuse a file that is not SQLite, or an SQLite file cut short (a truncated copy), before opening it.

    Raises:
        StoreError: with the reason, and nothing written to the file.
    """
    size = os.path.getsize(path)
    if size == 0:
        return  # an empty file becomes a new project
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(_SQLITE_MAGIC) or len(head) < 100:
        raise StoreError(
            f"{path} is not a reviewkit project (not an SQLite file). Check --db / REVIEWKIT_DB."
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    counter, valid_for = head[24:28], head[92:96]
    wal = Path(path + "-wal")
    if (
        pages
        and counter == valid_for
        and not (wal.exists() and wal.stat().st_size)
        and size < pages * page_size
    ):
        raise StoreError(
            f"{path} is damaged: the file is cut short ({size} of {pages * page_size} bytes). "
            "Restore it from a backup or copy it again."
        )

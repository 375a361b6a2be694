"""Provides `Codebooks`: the stored versions of each codebook, their codes, and the project's current codebook.

A version is identified by (name, content hash). Loading an edited codebook adds a version;
codings and suggestions keep pointing at the version they were made under. The codebook itself is
kept in one canonical form, the JSON of its mapping (`CodebookVersion.data`); the project layer
builds the `Codebook` from it. The project's current codebook is ONE pointer (``meta``
``codebook.current_id``), set by `save(..., make_current=True)` or `set_current`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reviewkit.errors import NotFoundError
from reviewkit.records import CodebookVersion, CodeRecord
from reviewkit.store.base import Part, StoreBase, dumps, json_dict, now

CURRENT_KEY = "codebook.current_id"
"""``meta`` key holding the id of the project's current codebook version."""

_ZERO = ("suggested", "accepted", "rejected")
_VERSION = "c.id, c.name, c.version, c.content_hash, c.path, c.loaded_at, c.is_current"


class Codebooks(Part):
    """Codebooks (one row per version) and their codes."""

    def __init__(self, base: StoreBase) -> None:
        super().__init__(base)
        self._path = base.path

    def find(self, name: str, content_hash: str) -> int | None:
        """The id of the stored version of `name` with this content hash, if any."""
        row = self.db.execute(
            "SELECT id FROM codebooks WHERE name = ? AND content_hash = ?", [name, content_hash]
        ).fetchone()
        return int(row[0]) if row else None

    def save(
        self,
        *,
        name: str,
        version: str,
        content_hash: str,
        data: dict[str, Any],
        codes: Sequence[CodeRecord],
        source: str = "",
        path: str = "",
        make_current: bool = True,
    ) -> int:
        """Store a codebook version (a new row only when its content is new for its name).

        Args:
            name: the codebook's name.
            version: its version label.
            content_hash: identifies the content.
            data: the codebook in canonical form (its mapping; stored as JSON).
            codes: its codes in file order (``codebook_id`` is ignored).
            source: the text it was read from (kept as provenance, never parsed).
            path: the file it was read from.
            make_current: make this version the project's current codebook (and the current
                version of its name). When False the project's pointer is left alone; the version
                becomes current for its name only if the name had no version yet.

        Returns:
            The id of the version's ``codebooks`` row.
        """
        with self.transaction():
            codebook_id = self.find(name, content_hash)
            if codebook_id is None:
                first = self.db.execute("SELECT 1 FROM codebooks WHERE name = ?", [name]).fetchone() is None
                cursor = self.db.execute(
                    "INSERT INTO codebooks (name, version, content_hash, source, path, loaded_at, is_current, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [name, version, content_hash, source, path, now(), int(first or make_current), dumps(data)],
                )
                codebook_id = int(cursor.lastrowid or 0)
                self.db.conn.executemany(
                    "INSERT INTO codes (codebook_id, code_id, parent, position, label, label_zh, definition, "
                    "include, exclude, keywords, negative_keywords, examples, threshold, color, code_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (codebook_id, c.code_id, c.parent, position, c.label, c.label_zh, c.definition, c.include,
                         c.exclude, dumps(c.keywords), dumps(c.negative_keywords), dumps(c.examples), c.threshold,
                         c.color, c.code_hash)  # fmt: skip
                        for position, c in enumerate(codes)
                    ],
                )
            if make_current:
                self.set_current(codebook_id)
        return codebook_id

    def set_current(self, codebook_id: int) -> None:
        """Make a version the project's current codebook (and the current version of its name)."""
        with self.transaction():
            row = self.db.execute("SELECT name FROM codebooks WHERE id = ?", [codebook_id]).fetchone()
            if row is None:
                raise NotFoundError(f"No codebook version {codebook_id} in {self._path}.")
            self.db.execute("UPDATE codebooks SET is_current = (id = ?) WHERE name = ?", [codebook_id, row[0]])
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [CURRENT_KEY, str(codebook_id)])

    def current_id(self, name: str | None = None) -> int | None:
        """THE rule for "the current codebook": the project's pointer; with a name, that name's current version.

        Projects written before the pointer existed fall back to the newest version marked current.
        """
        if name is not None:
            row = self.db.execute(
                "SELECT id FROM codebooks WHERE name = ? ORDER BY is_current DESC, id DESC LIMIT 1", [name]
            ).fetchone()
            return int(row[0]) if row else None
        row = self.db.execute(
            "SELECT c.id FROM meta m JOIN codebooks c ON c.id = CAST(m.value AS INTEGER) WHERE m.key = ?",
            [CURRENT_KEY],
        ).fetchone()
        if row is None:
            row = self.db.execute("SELECT id FROM codebooks ORDER BY is_current DESC, id DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None

    def current(self, name: str | None = None) -> CodebookVersion | None:
        """The current version (see `current_id`) with its canonical data; None when there is none."""
        codebook_id = self.current_id(name)
        return None if codebook_id is None else self.get(codebook_id)

    def get(self, codebook_id: int) -> CodebookVersion:
        """Version `codebook_id` with its canonical data.

        Raises:
            NotFoundError: there is no such version.
        """
        row = self.db.execute(
            f"SELECT {_VERSION}, (SELECT COUNT(*) FROM codes k WHERE k.codebook_id = c.id), c.data, "
            "(SELECT COUNT(*) FROM codebooks o WHERE o.name = c.name AND o.id <= c.id) FROM codebooks c WHERE c.id = ?",
            [codebook_id],
        ).fetchone()
        if row is None:
            known = ", ".join(str(r[0]) for r in self.db.execute("SELECT id FROM codebooks ORDER BY id"))
            raise NotFoundError(f"No codebook version {codebook_id} in {self._path} (stored: {known or 'none'}).")
        return _version(row[:8], number=int(row[9]), data=json_dict(row[8]))

    def versions(self, name: str) -> list[CodebookVersion]:
        """Every stored version of codebook `name`, oldest first (without their data)."""
        cur = self.db.execute(
            f"SELECT {_VERSION}, (SELECT COUNT(*) FROM codes k WHERE k.codebook_id = c.id) "
            "FROM codebooks c WHERE c.name = ? ORDER BY c.id",
            [name],
        )
        return [_version(r, number=n) for n, r in enumerate(cur.fetchall(), start=1)]

    def names(self) -> list[str]:
        """The names of the stored codebooks, in the order they were first loaded."""
        return [r[0] for r in self.db.execute("SELECT name FROM codebooks GROUP BY name ORDER BY MIN(id)")]

    def codes(self, codebook_id: int) -> list[CodeRecord]:
        """The codes of a version in file order."""
        cur = self.db.execute(
            "SELECT codebook_id, code_id, parent, position, label, label_zh, definition, include, exclude, keywords, "
            "negative_keywords, examples, threshold, color, code_hash FROM codes WHERE codebook_id = ? ORDER BY position",
            [codebook_id],
        )
        return [
            CodeRecord(int(r[0]), r[1], r[2], int(r[3]), r[4] or "", r[5] or "", r[6] or "", r[7] or "", r[8] or "",
                       json_dict(r[9]), json_dict(r[10]), json_dict(r[11]), r[12], r[13] or "", r[14] or "")  # fmt: skip
            for r in cur
        ]

    def counts(self, codebook_id: int, coder: str | None = None) -> dict[str, dict[str, int]]:
        """Per code of a version: suggested (score reaching the threshold), accepted, rejected.

        Accepted and rejected count decisions (one per coder and passage; only `coder`'s when
        given). Every code of the version is present, with zeros when nothing refers to it yet.
        """
        counts: dict[str, dict[str, int]] = {
            code_id: dict.fromkeys(_ZERO, 0)
            for (code_id,) in self.db.execute(
                "SELECT code_id FROM codes WHERE codebook_id = ? ORDER BY position", [codebook_id]
            )
        }
        for code_id, n in self.db.execute(
            "SELECT code_id, COUNT(*) FROM suggestions WHERE codebook_id = ? AND score >= threshold GROUP BY code_id",
            [codebook_id],
        ):
            counts.setdefault(code_id, dict.fromkeys(_ZERO, 0))["suggested"] = int(n)
        mine = "" if coder is None else " AND coder = ?"
        for code_id, status, n in self.db.execute(
            f"SELECT code_id, status, COUNT(*) FROM codings WHERE codebook_id = ?{mine} GROUP BY code_id, status",
            [codebook_id] if coder is None else [codebook_id, coder],
        ):
            counts.setdefault(code_id, dict.fromkeys(_ZERO, 0))[status] = int(n)
        return counts


def _version(r: Sequence[Any], *, number: int, data: dict[str, Any] | None = None) -> CodebookVersion:
    return CodebookVersion(
        int(r[0]), r[1], r[2], r[3], r[4] or "", r[5], bool(r[6]), int(r[7]), number, data or {}
    )

"""Provides the codebook queries of the store: versions of each codebook and their codes.

A version is identified by (name, content hash). Loading an edited codebook adds a version;
codings and suggestions keep pointing at the version they were made under.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from reviewkit.errors import NotFoundError
from reviewkit.store.base import dumps, now

if TYPE_CHECKING:
    from sqlite_utils import Database

    from reviewkit.codebook.model import Codebook

CURRENT_KEY = "codebook.current_id"
"""``meta`` key holding the id of the codebook version loaded last (the default for commands)."""

_ZERO = ("suggested", "accepted", "rejected")


class CodebooksMixin:
    """Codebooks (one row per version) and their codes."""

    db: Database
    path: str

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[Database]: ...

    def find_codebook(self, name: str, content_hash: str) -> int | None:
        """The id of the stored version of `name` with this content hash, if any."""
        row = self.db.execute(
            "SELECT id FROM codebooks WHERE name = ? AND content_hash = ?", [name, content_hash]
        ).fetchone()
        return int(row[0]) if row else None

    def save_codebook(self, codebook: Codebook, source: str | None = None) -> int:
        """Store a codebook version and make it the current one of its name.

        A new row (with its codes) is added only when the content hash is new for that name;
        otherwise the existing version becomes current again. Older versions stay, with
        ``is_current = 0``, so codings made under them keep their meaning.

        Args:
            codebook: the (validated) codebook.
            source: the YAML text it was read from (comments kept); None to write it from the codebook.

        Returns:
            The id of the version's ``codebooks`` row.
        """
        from reviewkit.codebook.yaml_io import codebook_to_yaml

        content_hash = codebook.content_hash()
        with self.transaction():
            codebook_id = self.find_codebook(codebook.name, content_hash)
            if codebook_id is None:
                cursor = self.db.execute(
                    "INSERT INTO codebooks (name, version, content_hash, source, path, loaded_at, is_current) "
                    "VALUES (?, ?, ?, ?, ?, ?, 1)",
                    [
                        codebook.name,
                        codebook.version,
                        content_hash,
                        source if source is not None else codebook_to_yaml(codebook),
                        codebook.path,
                        now(),
                    ],
                )
                codebook_id = int(cursor.lastrowid or 0)
                self.db.conn.executemany(
                    "INSERT INTO codes (codebook_id, code_id, parent, position, label, label_zh, definition, "
                    "include, exclude, keywords, negative_keywords, examples, threshold, color, code_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            codebook_id,
                            code.id,
                            code.parent,
                            position,
                            code.label.get("en", ""),
                            code.label.get("zh", ""),
                            code.definition,
                            code.include,
                            code.exclude,
                            dumps(code.keywords),
                            dumps(code.negative_keywords),
                            dumps(code.examples),
                            code.threshold,
                            code.color,
                            codebook.code_hash(code.id),
                        )
                        for position, code in enumerate(codebook.codes)
                    ],
                )
            self.db.execute(
                "UPDATE codebooks SET is_current = (id = ?) WHERE name = ?", [codebook_id, codebook.name]
            )
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [CURRENT_KEY, str(codebook_id)]
            )
        return codebook_id

    def current_codebook_id(self, name: str | None = None) -> int | None:
        """The id of the current version of `name`; with no name, of the codebook loaded last."""
        if name is not None:
            row = self.db.execute(
                "SELECT id FROM codebooks WHERE name = ? AND is_current = 1 ORDER BY id DESC LIMIT 1", [name]
            ).fetchone()
            return int(row[0]) if row else None
        row = self.db.execute(
            "SELECT c.id FROM meta m JOIN codebooks c ON c.id = CAST(m.value AS INTEGER) "
            "WHERE m.key = ? AND c.is_current = 1",
            [CURRENT_KEY],
        ).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT id FROM codebooks WHERE is_current = 1 ORDER BY loaded_at DESC, id DESC LIMIT 1"
            ).fetchone()
        return int(row[0]) if row else None

    def current_codebook(self, name: str | None = None) -> tuple[int, Codebook] | None:
        """The current version of codebook `name` (with no name: the one loaded last).

        Args:
            name: a codebook name, or None.

        Returns:
            (id, codebook), or None when no such codebook is stored.
        """
        codebook_id = self.current_codebook_id(name)
        return None if codebook_id is None else (codebook_id, self.codebook_by_id(codebook_id))

    def codebook_by_id(self, codebook_id: int) -> Codebook:
        """The codebook stored as version `codebook_id` (rebuilt from its stored source).

        Raises:
            NotFoundError: there is no such version.
        """
        import yaml

        from reviewkit.codebook.yaml_io import codebook_from_dict

        cache: dict[int, Codebook] = self.__dict__.setdefault("_codebook_cache", {})
        if codebook_id in cache:
            return cache[codebook_id]
        row = self.db.execute("SELECT source, path FROM codebooks WHERE id = ?", [codebook_id]).fetchone()
        if row is None:
            known = ", ".join(str(r[0]) for r in self.db.execute("SELECT id FROM codebooks ORDER BY id"))
            raise NotFoundError(
                f"No codebook version {codebook_id} in {self.path} (stored: {known or 'none'})."
            )
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        codebook = codebook_from_dict(yaml.load(row[0], Loader=loader) or {}, row[1] or "")
        cache[codebook_id] = codebook
        return codebook

    def codebook_versions(self, name: str) -> list[dict[str, Any]]:
        """Every stored version of codebook `name`, oldest first.

        Returns:
            Dicts with id, number (1, 2, ... in load order), name, version, content_hash, path,
            loaded_at, is_current (bool) and codes (how many).
        """
        rows = self.db.execute(
            "SELECT c.id, c.name, c.version, c.content_hash, c.path, c.loaded_at, c.is_current, "
            "(SELECT COUNT(*) FROM codes k WHERE k.codebook_id = c.id) "
            "FROM codebooks c WHERE c.name = ? ORDER BY c.id",
            [name],
        ).fetchall()
        keys = ("id", "name", "version", "content_hash", "path", "loaded_at", "is_current", "codes")
        out = []
        for number, row in enumerate(rows, start=1):
            item = dict(zip(keys, row, strict=True))
            item["is_current"] = bool(item["is_current"])
            item["number"] = number
            out.append(item)
        return out

    def codebook_names(self) -> list[str]:
        """The names of the stored codebooks, in the order they were first loaded."""
        return [r[0] for r in self.db.execute("SELECT name FROM codebooks GROUP BY name ORDER BY MIN(id)")]

    def code_counts(self, codebook_id: int) -> dict[str, dict[str, int]]:
        """Per code of a version: suggested (score reaching the threshold), accepted, rejected.

        Accepted and rejected count decisions (one per coder and passage). Every code of the
        version is present, with zeros when nothing refers to it yet.

        Args:
            codebook_id: the version.

        Returns:
            {code_id: {"suggested": n, "accepted": n, "rejected": n}}.
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
        for code_id, status, n in self.db.execute(
            "SELECT code_id, status, COUNT(*) FROM codings WHERE codebook_id = ? GROUP BY code_id, status",
            [codebook_id],
        ):
            counts.setdefault(code_id, dict.fromkeys(_ZERO, 0))[status] = int(n)
        return counts

    def iter_codes(self, codebook_id: int) -> Iterator[dict[str, Any]]:
        """The ``codes`` rows of a version in file order (JSON columns left as text)."""
        cursor = self.db.execute("SELECT * FROM codes WHERE codebook_id = ? ORDER BY position", [codebook_id])
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

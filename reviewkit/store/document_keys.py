"""Provides `DocumentKeys`: the queries on document keys and duplicates (the base of `Documents`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from reviewkit.store.base import Part, marks, now


class DocumentKeys(Part):
    """Keys, DOIs and title keys of documents: duplicate detection on import, near-duplicate search."""

    def key_exists(self, key: str) -> bool:
        """True when a document already uses `key`."""
        return self.db.conn.execute("SELECT 1 FROM documents WHERE key = ?", [key]).fetchone() is not None

    def keys_starting_with(self, base: str) -> set[str]:
        """Document keys that start with `base` (to pick the next free suffix)."""
        rows = self.db.conn.execute("SELECT key FROM documents WHERE key >= ? AND key < ?", [base, base + "\U0010ffff"])
        return {r[0] for r in rows}

    def ids(self, page_size: int = 10000) -> Iterator[int]:
        """Every document id, ascending, read in pages (so a caller can stream a million of them)."""
        last = 0
        while page := [
            int(r[0])
            for r in self.db.conn.execute(
                "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?", [last, page_size]
            )
        ]:
            yield from page
            last = page[-1]

    def all_keys(self) -> set[str]:
        """Every document key (for big imports, which pick new keys without one query each)."""
        return {str(r[0]) for r in self.db.conn.execute("SELECT key FROM documents")}

    def dedupe_keys(self) -> Iterator[tuple[str, str, int | None, str]]:
        """(key, DOI, year, normalised title) of every document, streamed (for an import's key filter)."""
        cur = self.db.conn.execute("SELECT key, doi, year, norm_title FROM documents")
        for key, doi, year, norm in cur:
            yield str(key), doi or "", year, norm or ""

    def ids_by_key(self, keys: Sequence[str]) -> dict[str, int]:
        """Document ids of the given keys (keys that are absent are left out)."""
        out: dict[str, int] = {}
        ks = list(dict.fromkeys(keys))
        for i in range(0, len(ks), 500):
            chunk = ks[i : i + 500]
            for key, id_ in self.db.execute(f"SELECT key, id FROM documents WHERE key IN ({marks(chunk)})", chunk):
                out[str(key)] = int(id_)
        return out

    def find_by_doi(self, doi: str) -> int | None:
        """Id of the document with this DOI, if any."""
        if not doi:
            return None
        # "doi != ''" lets SQLite use the partial index idx_documents_doi
        row = self.db.conn.execute("SELECT id FROM documents WHERE doi = ? AND doi != '' LIMIT 1", [doi]).fetchone()
        return int(row[0]) if row else None

    def title_candidates(self, year: int | None, norm_title: str, prefix_len: int = 12) -> list[tuple[int, str]]:
        """(id, norm_title) of documents of `year` whose normalised title starts like `norm_title`."""
        if not norm_title:
            return []
        prefix = norm_title[:prefix_len]
        sql = "SELECT id, norm_title FROM documents WHERE norm_title >= ? AND norm_title < ? AND "
        sql += "year IS ?" if year is None else "year = ?"
        return [(int(r[0]), r[1]) for r in self.db.conn.execute(sql, [prefix, prefix + "\U0010ffff", year]).fetchall()]

    def year_values(self) -> list[int | None]:
        """The distinct publication years of the documents (None first when some have none)."""
        return [None if y is None else int(y) for (y,) in self.db.execute("SELECT DISTINCT year FROM documents ORDER BY year")]

    def titles_of_year(self, year: int | None, page_size: int = 5000) -> Iterator[list[tuple[int, str]]]:
        """(id, norm_title) of the documents of one year, in id order, one page of `page_size` rows at a time."""
        last = 0
        while True:
            page = [
                (int(i), str(t))
                for i, t in self.db.conn.execute(
                    "SELECT id, norm_title FROM documents WHERE year IS ? AND id > ? ORDER BY id LIMIT ?",
                    [year, last, page_size],
                )
            ]
            if not page:
                return
            yield page
            last = page[-1][0]

    def doi_groups(self) -> Iterator[tuple[str, list[int]]]:
        """(DOI, ids) of every DOI that more than one document has (streamed, in DOI order)."""
        cur = self.db.conn.execute(
            "SELECT doi, group_concat(id) FROM documents WHERE doi != '' GROUP BY doi HAVING count(*) > 1"
        )
        for doi, ids in cur:
            yield str(doi), sorted(int(i) for i in str(ids).split(","))

    def titles(self, ids: Sequence[int]) -> dict[int, tuple[int | None, str, str]]:
        """id -> (year, title, second-language title) of a few documents."""
        if not ids:
            return {}
        rows = self.db.execute(f"SELECT id, year, title, title_alt FROM documents WHERE id IN ({marks(ids)})", list(ids))
        return {int(i): (y, t or "", ta or "") for i, y, t, ta in rows}

    def mark_distinct(self, a: int, b: int, coder: str = "") -> None:
        """Record that documents a and b are not duplicates."""
        lo, hi = sorted((a, b))
        self.db.execute(
            "INSERT OR REPLACE INTO duplicate_decisions (a, b, decision, coder, decided_at) VALUES (?, ?, 'distinct', ?, ?)",
            [lo, hi, coder, now()],
        )

    def distinct_pairs(self) -> set[tuple[int, int]]:
        """Pairs a person marked as not duplicates."""
        return {(int(a), int(b)) for a, b in self.db.execute("SELECT a, b FROM duplicate_decisions")}

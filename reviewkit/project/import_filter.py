"""Provides `SeenKeys`: which incoming records may have a stored twin or a taken key, so that only those are looked up.

A big import builds Bloom filters (`dedupe.KeyFilter`) of the stored DOIs, title keys
(`import_keys.title_key`) and document keys once, and adds each document it writes. A record whose
DOI and title keys the filters have never seen cannot be a duplicate, and a key they have never
seen is free: neither needs a query. Documents still in the writer's buffer are tracked exactly,
so a look-up flushes the writer only when one of them may be the twin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewkit import dedupe
from reviewkit.project.import_keys import Prepared, key_suffix, title_key

if TYPE_CHECKING:
    from reviewkit.store import Store
    from reviewkit.store.writer import DocumentWriter


class SeenKeys:
    """What the project already holds, for deciding which records need a look-up.

    With `filtered` False (small imports) every record is looked up, as before the filter existed.
    """

    def __init__(self, store: Store, expected: int, filtered: bool) -> None:
        self.filtered = filtered
        size = store.documents.count() + expected if filtered else 0
        self.dois = dedupe.KeyFilter(size)
        self.titles = dedupe.KeyFilter(size)
        self.keys = dedupe.KeyFilter(size)
        """Stored keys and the DOI keys this import made (a key without DOI this import made is in `_made`)."""
        self._made: set[int] = set()
        """Hashes of the keys without DOI this import made: an exact answer, with no query while the
        writer thread works (a query then waited ~2 ms for it; author-year-word keys clash often)."""
        self._fresh: list[set[Any]] = [set(), set()]
        """Keys, DOIs and title prefixes of documents in the writer's buffer / in the batch it is writing."""
        self._mark = (0, 0)
        if filtered:
            for key, doi, year, norm in store.documents.dedupe_keys():  # streamed, never all at once
                self.add(key, doi, year, norm)

    def add(self, key: str, doi: str, year: int | None, norm: str, own: str | None = None) -> None:
        """Remember a stored document's key, DOI and normalised title ("" for what it lacks; `own`: its title key)."""
        if key:
            self.keys.add(key)
        if doi:
            self.dois.add(doi)
        if norm:
            self.titles.add(own or title_key(year, norm)[0])

    def _sync(self, writer: DocumentWriter) -> None:
        """Forget the fresh keys of documents the writer has written since the last call."""
        flushes, spills = self._mark
        if writer.flushes != flushes or writer.spills - spills >= 2:
            self._fresh = [set(), set()]
        elif writer.spills != spills:
            self._fresh = [set(), self._fresh[0]]
        self._mark = (writer.flushes, writer.spills)

    def added(self, writer: DocumentWriter, key: str, item: Prepared) -> None:
        """Remember a document just handed to `writer` (in the filters, and as fresh until it is written)."""
        self._sync(writer)
        if item.doi:
            self.add(key, item.doi, item.year, item.norm, item.own)
        else:
            self._made.add(hash(key))
            self.add("", "", item.year, item.norm, item.own)
        fresh = self._fresh[0]
        fresh.add(("key", key))
        if item.doi:
            fresh.add(("doi", item.doi))
        if item.own is not None:
            fresh.add(item.own)

    def is_fresh(self, writer: DocumentWriter, item: Prepared) -> bool:
        """True when a document the writer has not written yet may be `item`'s duplicate (flush first then)."""
        self._sync(writer)
        if item.short:
            return True
        wanted = (("doi", item.doi), *item.keys) if item.doi else item.keys
        return any(k in fresh for fresh in self._fresh for k in wanted)  # (no union of the two sets)

    def may_duplicate(self, item: Prepared) -> bool:
        """False only when no stored document can share `item`'s DOI or title key (see `find_duplicate`)."""
        if not self.filtered or item.short or (item.doi and item.doi in self.dois):
            return True
        return self.titles.any_in(item.keys)

    def unique_key(self, store: Store, writer: DocumentWriter, item: Prepared) -> str:
        """`make_key`, with a suffix (a, b, ... or -1, -2 for DOIs) when the key is already used."""
        base = item.key
        if self.filtered and not item.doi:
            key, n = base, 0
            while hash(key) in self._made or (key in self.keys and store.documents.key_exists(key)):
                n += 1
                key = f"{base}{key_suffix(n)}"
            return key
        if self.filtered and base not in self.keys:
            return base
        if not self.filtered:
            writer.flush()
        self._sync(writer)
        newer, older = self._fresh
        used = store.documents.keys_starting_with(base)
        key, n = base, 0
        while key in used or ("key", key) in newer or ("key", key) in older:
            n += 1
            key = f"{base}-{n}" if item.doi else f"{base}{key_suffix(n)}"
        return key

"""The project store: migrations, WAL, transactions, documents, full-text search in both languages."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from reviewkit.errors import SchemaVersionError, StoreError
from reviewkit.records import MATCH_END, MATCH_START, Record
from reviewkit.store import Store
from reviewkit.store.documents import fts_query, normalize_title
from reviewkit.store.text import QuerySyntaxError

SEED = Record(
    title="FROM LOCAL TO GLOBAL: THE CLUSTER UPGRADING RESEARCH IN GLOBAL VALUE CHAIN",
    title_alt="从地方到全球全球价值链框架下集群的升级研究",
    abstract="The research of industrial cluster has changed from local to global in last five years.",
    authors=("WEN Hu", "ZENG Gang"),
    authors_alt=("文嫮", "曾刚"),
    year=2005,
    journal="HUMAN GEOGRAPHY",
    journal_alt="人文地理",
    keywords=("global value chain", "集群"),
    language="en",
    language_alt="zh",
    source_format="citation",
    source_file="seed.txt",
    source_line=1,
)


def test_open_creates_schema_in_wal_mode(tmp_db: Path) -> None:
    store = Store.open(tmp_db)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"documents", "passages", "codings", "audit", "embeddings", "documents_fts"} <= set(store.db.table_names())
    applied = store.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    store.close()
    again = Store.open(tmp_db)  # re-opening applies nothing new
    assert again.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == applied
    again.close()


def test_open_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="reviewkit init"):
        Store.open(tmp_path / "nope.db", create=False)


def test_open_rejects_foreign_sqlite_and_garbage(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE cats (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a reviewkit project"):
        Store.open(other)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a reviewkit project"):
        Store.open(garbage)


def test_newer_schema_is_refused(tmp_db: Path) -> None:
    store = Store.open(tmp_db)
    store.db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('reviewkit', 'm999_future', 'x')"
    )
    store.db.conn.commit()
    store.close()
    with pytest.raises(SchemaVersionError, match="newer reviewkit"):
        Store.open(tmp_db)


def test_transaction_rolls_back_everything(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt):
        with store.transaction():
            store.documents.add(SEED, "k1")
            raise KeyboardInterrupt  # Ctrl-C in the middle of a write
    assert store.documents.count() == 0
    assert store.documents.search("value chain") == []


def test_bulk_transaction_commits_and_checkpoints_in_the_background(tmp_db: Path) -> None:
    store = Store.open(tmp_db)
    conn = store.db.conn
    before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    with pytest.raises(KeyboardInterrupt), store.bulk_transaction():
        store.documents.add(SEED, "gone")
        raise KeyboardInterrupt
    assert store.documents.count() == 0 and store._checkpoints == []  # rolled back: nothing to copy
    with store.bulk_transaction():
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # no copy inside the commit
        for i in range(300):
            store.documents.add(dataclasses.replace(SEED, title=f"{SEED.title} {i}", abstract=SEED.abstract * 40), f"k{i}")
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == before
    other = sqlite3.connect(tmp_db)
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 300  # committed: others see it
    other.close()
    store.wait_checkpoint()
    pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    assert tmp_db.stat().st_size == pages * size  # every page copied into the project file
    store.close()


def test_insert_and_read_document(store: Store) -> None:
    with store.transaction():
        doc_id = store.documents.add(SEED, "wen2005from")
        store.documents.add_source(doc_id, SEED, None, duplicate=False)
    doc = store.documents.get("wen2005from")
    assert doc is not None and doc.id == doc_id
    assert doc.authors_alt == ("文嫮", "曾刚")
    assert doc.title_alt == SEED.title_alt
    assert store.documents.record(doc_id).journal_alt == "人文地理"
    assert store.documents.sources(doc_id)[0].source_file == "seed.txt"


@pytest.mark.parametrize(
    "query",
    ["价值链", "value chain", "全球价值链", "集群", "升级", "upgrading", "GLOBAL", "文嫮", "Zeng", "upgrad*", '"global value chain"'],
)
def test_search_finds_seed_in_both_languages(store: Store, query: str) -> None:
    with store.transaction():
        store.documents.add(SEED, "wen2005from")
        store.documents.add(Record(title="Machine learning for traffic", year=2019, abstract="Neural networks."), "ml")
    hits = store.documents.search(query)
    assert [h.key for h in hits] == ["wen2005from"]
    assert store.documents.count_search(query) == 1


@pytest.mark.parametrize("query", ["价值观", "neural chain", '"value global"'])
def test_search_does_not_overmatch(store: Store, query: str) -> None:
    with store.transaction():
        store.documents.add(SEED, "wen2005from")
    assert store.documents.search(query) == []


def test_search_snippet_keeps_chinese_readable(store: Store) -> None:
    rec = Record(title="集群研究", abstract="本文讨论全球价值链下地方产业集群的升级路径。", year=2008, language="zh")
    with store.transaction():
        store.documents.add(rec, "zh1")
    (hit,) = store.documents.search("价值链")
    assert hit.snippet == f"本文讨论全球{MATCH_START}价值链{MATCH_END}下地方产业集群的升级路径。"


def test_fts_query_syntax() -> None:
    assert fts_query("value chain") == '"value" "chain"'
    assert fts_query("价值链") == '"价 值 链"'
    assert fts_query("upgrad*") == '"upgrad"*'
    assert fts_query('"global value chain" OR 集群') == '"global value chain" OR "集 群"'
    assert fts_query("  ") == ""
    assert fts_query('"') == ""


def test_search_survives_odd_input(store: Store) -> None:
    with store.transaction():
        store.documents.add(SEED, "wen2005from")
    for q in ['"unbalanced', "(((", "*", "-", "title:chain", "\x00"]:
        store.documents.search(q)  # must not raise
    for q in ["AND", "NOT", "cluster AND", "NOT cluster", "-cluster", "cluster OR OR chain"]:
        with pytest.raises(QuerySyntaxError, match="Malformed search"):
            store.documents.search(q)  # said, not shown as "0 documents match"


def test_normalize_title() -> None:
    assert normalize_title("From Local to Global: the Cluster") == "from local to global the cluster"
    assert normalize_title("从地方到全球：集群") == "从地方到全球 集群"
    assert normalize_title("Ｆｕｌｌ－ｗｉｄｔｈ") == "full width"

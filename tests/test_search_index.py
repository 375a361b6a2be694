"""The full-text index is built after an import commits, resumably; search never runs on an unfinished index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewkit.errors import StoreError
from reviewkit.project.corpus import import_files
from reviewkit.store import Store
from reviewkit.store.index import finish_index


def _ris(path: Path, n: int) -> Path:
    path.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Cluster study number {i} on upgrading\nPY  - {2000 + i % 5}\n"
            f"AB  - Firms of district {i} learn together; 集群升级 {i}.\nER  - \n\n"
            for i in range(n)
        ),
        encoding="utf-8",
    )
    return path


class Stop(Exception):
    pass


def test_import_queues_documents_and_search_finishes_the_index(store: Store, tmp_path: Path) -> None:
    (report,) = import_files(store, [_ris(tmp_path / "a.ris", 7)])
    assert report.added == 7 and store.documents.pending_index() == 7
    assert store.imports.corpus_stats().unindexed == 7
    assert store.documents.count_search("upgrading") == 7  # never 0 on an unfinished index
    assert store.documents.pending_index() == 0
    assert len(store.documents.search("集群", limit=50)) == 7


def test_index_step_is_resumable(store: Store, tmp_path: Path) -> None:
    import_files(store, [_ris(tmp_path / "a.ris", 7)])
    seen: list[tuple[int, int]] = []

    def stop_after_first(done: int, total: int) -> None:
        seen.append((done, total))
        raise Stop

    with pytest.raises(Stop):
        finish_index(store, stop_after_first, batch=3)
    assert seen == [(3, 7)] and store.documents.pending_index() == 4  # the first batch is committed
    progress: list[tuple[int, int]] = []
    assert store.documents.finish_index(lambda d, t: progress.append((d, t))) == 4
    assert progress == [(4, 4)] and store.documents.count_search("district") == 7


def test_merged_duplicate_is_reindexed(store: Store, tmp_path: Path) -> None:
    import_files(store, [_ris(tmp_path / "a.ris", 1)])
    assert store.documents.count_search("cluster") == 1
    richer = tmp_path / "b.ris"
    richer.write_text(
        "TY  - JOUR\nTI  - Cluster study number 0 on upgrading\nPY  - 2000\n"
        "AB  - Firms of district 0 learn together; 集群升级 0. Embeddedness matters a great deal here.\nER  - \n",
        encoding="utf-8",
    )
    (report,) = import_files(store, [richer])
    assert report.merged == 1 and store.documents.pending_index() == 1
    assert store.documents.count_search("embeddedness") == 1 and store.documents.count_search("cluster") == 1


def test_read_only_project_with_an_unfinished_index_says_so(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = Store.open(db)
    import_files(store, [_ris(tmp_path / "a.ris", 3)])
    store.close()
    os.chmod(db, 0o444)
    try:
        ro = Store.open(db)
        try:
            with pytest.raises(StoreError, match="search index is unfinished"):
                ro.documents.search("cluster")
        finally:
            ro.close()
    finally:
        os.chmod(db, 0o644)


def test_cli_import_builds_the_index(tmp_path: Path) -> None:
    from reviewkit.cli import cli

    db = tmp_path / "p.db"
    res = CliRunner().invoke(cli, ["import", str(_ris(tmp_path / "a.ris", 4)), "--db", str(db)])
    assert res.exit_code == 0 and "4 added" in res.output, res.output
    store = Store.open(db)
    try:
        assert store.documents.pending_index() == 0
    finally:
        store.close()


def test_big_import_picks_the_same_keys_as_a_small_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewkit.project.importing as importing

    ris = tmp_path / "same.ris"
    ris.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Clusters {'and districts ' * (i % 3)}revisited part {i}\nAU  - Wen, Mei\nPY  - 2005\n"
            + (f"DO  - 10.1234/same.{i % 4}\n" if i % 5 == 0 else "")
            + "ER  - \n\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    keys = []
    for big in (10**9, 1):
        monkeypatch.setattr(importing, "BIG_IMPORT", big)
        store = Store.open(tmp_path / f"p{big}.db")
        try:
            import_files(store, [ris])
            import_files(store, [ris])  # all merged: no new keys
            keys.append([d.key for d in store.documents.iter()])
        finally:
            store.close()
    assert keys[0] == keys[1] and len(set(keys[0])) == len(keys[0]) and "wen2005clusters" in keys[0]
    assert "wen2005clustersa" in keys[0]

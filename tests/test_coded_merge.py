"""Merging into a coded document keeps the coded text: codings never move off their words (issue 10, item 9)."""

from __future__ import annotations

from pathlib import Path

from _agreement_fixtures import add_codebook
from click.testing import CliRunner

from reviewkit.project.coding import segment_documents
from reviewkit.project.corpus import import_files, merge_documents
from reviewkit.store import Store

ABSTRACT = (
    "Firms in the cluster upgrade their products. Buyers teach suppliers new processes. "
    "Local institutions support collective learning. Trust lowers the cost of exchange."
)
RICHER = (
    "This longer abstract was written for the journal version. It has other sentences entirely. "
    "Firms in the cluster upgrade their products and processes. Policy matters."
)


def _ris(path: Path, title: str, abstract: str, doi: str = "10.1234/rs.2005.1", extra: str = "") -> Path:
    path.write_text(
        f"TY  - JOUR\nTI  - {title}\nAU  - Wen, Mei\nPY  - 2005\nDO  - {doi}\n{extra}AB  - {abstract}\nER  - \n",
        encoding="utf-8",
    )
    return path


def _id(store: Store, doi: str) -> int:
    doc = store.documents.get(doi)
    assert doc is not None
    return doc.id


def _code_everything(store: Store, doc_id: int) -> int:
    cb = add_codebook(store)
    segment_documents(store, [doc_id])
    passages = store.passages.of_document(doc_id)
    assert len(passages) >= 5  # the title and four sentences
    for p in passages:
        assert p.id is not None
        store.codings.set(p.id, "up.a", "alice", "accepted", codebook_id=cb)
    return len(passages)


def _assert_codings_on_their_words(store: Store, doc_id: int, expected: int) -> None:
    doc = store.documents.get(doc_id)
    assert doc is not None
    coded = store.passages.of_document(doc_id)  # every passage was coded
    assert len(coded) == expected
    for p in coded:
        assert getattr(doc, p.field)[p.start : p.end] == p.text


def test_importing_a_richer_duplicate_keeps_the_coded_text(store: Store, tmp_path: Path) -> None:
    (first,) = import_files(store, [_ris(tmp_path / "a.ris", "Upgrading in clusters", ABSTRACT)])
    doc_id = _id(store, "10.1234/rs.2005.1")
    n = _code_everything(store, doc_id)
    richer = _ris(tmp_path / "b.ris", "Upgrading in industrial clusters", RICHER,
                  extra="JO  - Regional Studies\nKW  - upgrading\n")  # fmt: skip
    (report,) = import_files(store, [richer])
    assert report.merged == 1 and first.added == 1
    doc = store.documents.get(doc_id)
    assert doc is not None
    assert doc.abstract == ABSTRACT and doc.title == "Upgrading in clusters"  # coded text kept
    assert doc.journal == "Regional Studies" and "upgrading" in doc.keywords  # the rest enriched
    _assert_codings_on_their_words(store, doc_id, n)
    versions = {(v.field, v.version): v.text for v in store.versions.of(doc_id)}
    assert versions == {("abstract", 2): RICHER, ("title", 2): "Upgrading in industrial clusters"}
    assert f"kept the coded text of document {doc_id}; the new abstract is stored as version 2" in report.kept
    # the same file again: the version is not stored twice
    import_files(store, [richer])
    assert len(store.versions.of(doc_id)) == 2


def test_uncoded_documents_are_still_enriched(store: Store, tmp_path: Path) -> None:
    import_files(store, [_ris(tmp_path / "a.ris", "Upgrading in clusters", "Short.")])
    (report,) = import_files(store, [_ris(tmp_path / "b.ris", "Upgrading in clusters", RICHER)])
    doc = store.documents.get("10.1234/rs.2005.1")
    assert doc is not None and doc.abstract == RICHER and report.kept == [] and store.versions.of(doc.id) == []


def test_dedupe_merge_keeps_the_coded_text(store: Store, tmp_path: Path, tmp_db: Path) -> None:
    import_files(store, [_ris(tmp_path / "a.ris", "Upgrading in clusters", ABSTRACT, doi="")])
    import_files(store, [_ris(tmp_path / "b.ris", "Cluster upgrading revisited", RICHER, doi="10.1234/rs.2009.2",
                              extra="JO  - Regional Studies\n")])  # fmt: skip
    keep = next(d.id for d in store.documents.iter() if not d.doi)
    drop = next(d.id for d in store.documents.iter() if d.doi)
    n = _code_everything(store, keep)
    notes = merge_documents(store, keep, drop)
    doc = store.documents.get(keep)
    assert doc is not None and store.documents.get(drop) is None
    assert doc.abstract == ABSTRACT and doc.doi == "10.1234/rs.2009.2" and doc.journal == "Regional Studies"
    _assert_codings_on_their_words(store, keep, n)
    assert {(v.field, v.text) for v in store.versions.of(keep)} == {
        ("abstract", RICHER),
        ("title", "Cluster upgrading revisited"),
    }
    assert any("the new abstract is stored as version 2" in x for x in notes)


def test_cli_dedupe_merge_reports_the_kept_text(store: Store, tmp_path: Path, tmp_db: Path) -> None:
    from reviewkit.cli import cli

    import_files(store, [_ris(tmp_path / "a.ris", "Upgrading in clusters", ABSTRACT, doi="")])
    import_files(store, [_ris(tmp_path / "b.ris", "Cluster upgrading revisited", RICHER, doi="10.1234/rs.2009.2")])
    keep = next(d.id for d in store.documents.iter() if not d.doi)
    drop = next(d.id for d in store.documents.iter() if d.doi)
    n = _code_everything(store, keep)
    store.close()
    res = CliRunner().invoke(cli, ["dedupe", "--merge", str(keep), str(drop), "--db", str(tmp_db)])
    assert res.exit_code == 0, res.output
    assert f"Kept the coded text of document {keep}; the new abstract is stored as version 2." in res.output
    again = Store.open(tmp_db)
    try:
        _assert_codings_on_their_words(again, keep, n)
    finally:
        again.close()


def test_cli_import_reports_the_kept_text(store: Store, tmp_path: Path, tmp_db: Path) -> None:
    from reviewkit.cli import cli

    import_files(store, [_ris(tmp_path / "a.ris", "Upgrading in clusters", ABSTRACT)])
    doc_id = _id(store, "10.1234/rs.2005.1")
    _code_everything(store, doc_id)
    store.close()
    richer = _ris(tmp_path / "b.ris", "Upgrading in clusters", RICHER, extra="JO  - Regional Studies\n")
    res = CliRunner().invoke(cli, ["import", str(richer), "--db", str(tmp_db)])
    assert res.exit_code == 0, res.output
    assert f"Kept the coded text of document {doc_id}; the new abstract is stored as version 2." in res.output

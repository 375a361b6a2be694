"""A .qdpx round trip through reviewkit is lossless: acceptances, rejections, done marks, agreement."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from reviewkit.project.agreement import agreement
from reviewkit.project.exports import export
from reviewkit.project.qdpx_import import import_qdpx
from reviewkit.refi.project_write import validate_project
from reviewkit.store import Store


def _decisions(store: Any, codebook: str = "mini") -> set[tuple[str, str, int, int, str, str, str]]:
    """(document key, field, start, end, code, coder, status) of every latest decision."""
    out = set()
    for r in store.codings.rows(codebook, store.codebooks.current_id()):
        out.add((r.document_key, r.field, r.start, r.end, r.code_id, r.coder, r.status))
    return out


def _done(store: Any, coder: str, codebook: str = "mini") -> set[tuple[str, str, int, int]]:
    out = set()
    for mark in store.reviews.list(coder, codebook):
        q = store.passages.get(mark.passage_id)
        doc = store.db.execute("SELECT key FROM documents WHERE id = ?", [q.document_id]).fetchone()[0]
        out.add((doc, q.field, q.start, q.end))
    return out


def _figures(store: Any) -> list[tuple[Any, ...]]:
    figures = []
    for unit in ("passage", "document"):
        inter = agreement(store, ["alice", "bob"], unit=unit).intercoder
        assert inter is not None
        figures += [
            (unit, c.code, c.units, c.percent_agreement, c.cohen_kappa, c.alpha) for c in [*inter.codes, inter.overall]
        ]
    return figures


def test_round_trip_keeps_rejections_done_marks_and_agreement(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, ids = agreement_project
    # a passage both coders reviewed and left without any code; one only alice marked done
    empty, alice_only = ids["doc-c"][0], ids["doc-b"][0]
    for coder in ("alice", "bob"):
        store.reviews.mark(empty, coder, "mini")
    store.reviews.mark(alice_only, "alice", "mini")
    before = _decisions(store)
    assert any(d[-1] == "rejected" for d in before)  # the fixture has rejections to lose
    figures = _figures(store)
    assert any(f[4] is not None for f in figures)

    out = tmp_path / "review.qdpx"
    res = export(store, "qdpx", out)
    assert res.counts["done"] == 3 and res.counts["rejections"] == sum(d[-1] == "rejected" for d in before)
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("project.qde")
    assert validate_project(xml) == []
    root = etree.fromstring(xml)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    # rejections never become codings other tools would read as applied
    assert len(root.findall(".//q:Coding", ns)) == sum(d[-1] == "accepted" for d in before)

    fresh = Store.open(tmp_path / "fresh.db")
    try:
        back = import_qdpx(fresh, out)
        assert back.rejections == res.counts["rejections"] and back.done == 3
        assert _decisions(fresh) == before
        assert _done(fresh, "alice") == _done(store, "alice") and len(_done(fresh, "alice")) == 2
        assert _done(fresh, "bob") == _done(store, "bob")
        assert _figures(fresh) == figures
    finally:
        fresh.close()


def test_a_broken_reviewkit_line_is_skipped_and_reported(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = agreement_project
    out = tmp_path / "review.qdpx"
    export(store, "qdpx", out)
    with zipfile.ZipFile(out) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    qde = entries["project.qde"].decode("utf-8")
    qde = qde.replace('"rejected":[[', '"rejected":[["nowhere",0,5,"up.a","bob",""],[', 1)
    entries["project.qde"] = qde.encode("utf-8")
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    fresh = Store.open(tmp_path / "fresh.db")
    try:
        res = import_qdpx(fresh, bad)
        assert any("rejected entry at nowhere 0-5" in s for s in res.skipped)
        assert res.rejections == export(store, "qdpx", tmp_path / "again.qdpx").counts["rejections"]
    finally:
        fresh.close()

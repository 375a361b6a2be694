"""Every export format on a fixture project: exact columns, REFI-QDA validity and round trip, safety."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
import rispy
from _agreement_fixtures import DOCS, LEAVES
from click.testing import CliRunner

from reviewkit.errors import ExportError, NotFoundError, UnknownComponentError
from reviewkit.exporters.long_format import LONG_COLUMNS
from reviewkit.project.agreement import adjudicate
from reviewkit.project.exports import export, formats
from reviewkit.project.qdpx_import import import_qdpx
from reviewkit.registry import exporters
from reviewkit.store import Store

EXPECTED_LONG = [
    "document_key", "doi", "year", "title", "field", "start", "end", "passage_text", "code_id", "code_label",
    "status", "coder", "origin", "score", "method", "evidence", "decided_at", "passage_done", "document_reviewed",
]  # fmt: skip


@pytest.fixture
def project(agreement_project: Any) -> tuple[Any, int, dict[str, list[int]]]:
    return agreement_project


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _accepted(store: Any, cb: int, name: str = "mini") -> list[tuple[Any, ...]]:
    return sorted(
        (r.document_key, r.field, r.start, r.end, r.passage_text, r.code_id, r.coder)
        for r in store.codings.rows(name, cb, status="accepted")
    )


def test_formats_are_registered_under_versioned_names() -> None:
    assert formats() == ["csv-long", "csv-wide", "jsonl", "memos", "qdpx", "report", "ris", "trends"]
    assert "csv-long.v1" in exporters.names() and "qdpx.v1" in exporters.names()


def test_csv_long_columns_and_rows(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    out = tmp_path / "long.csv"
    res = export(store, "csv-long", out)
    rows = _rows(out)
    assert list(rows[0]) == EXPECTED_LONG == list(LONG_COLUMNS)
    assert res.counts["rows"] == len(rows) == 6  # accepted only, every coder
    first = rows[0]
    assert (first["document_key"], first["doi"], first["year"], first["field"]) == (
        "doc-a",
        "10.1/a",
        "2001",
        "abstract",
    )
    assert (first["start"], first["end"], first["passage_text"]) == ("0", "23", "Firms upgrade products.")
    assert (first["code_id"], first["code_label"], first["status"], first["coder"]) == (
        "up.a", "Product upgrading", "accepted", "alice",
    )  # fmt: skip
    assert first["method"] == "hybrid" and float(first["score"]) == 0.9
    assert json.loads(first["evidence"])["similarity"] == 0.61 and first["decided_at"].startswith(
        "2024-01-01"
    )
    zh = [r for r in rows if r["document_key"] == "doc-d"]
    assert zh and zh[0]["passage_text"] == "集群企业通过学习实现工艺升级。"
    every = export(store, "csv-long", tmp_path / "all.csv", status="all")
    assert every.counts["rows"] > 6 and {r["status"] for r in _rows(tmp_path / "all.csv")} == {
        "accepted",
        "rejected",
    }
    only_bob = export(store, "csv-long", tmp_path / "bob.csv", coder="bob")
    assert only_bob.counts["rows"] == 3 and {r["coder"] for r in _rows(tmp_path / "bob.csv")} == {"bob"}


def test_jsonl_keys(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    out = tmp_path / "long.jsonl"
    export(store, "jsonl", out, status="all")
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert all(list(x) == EXPECTED_LONG for x in lines)
    coded = [x for x in lines if x["status"] == "accepted"]
    assert coded[0]["evidence"] == {"terms": [["upgrade", 0, 7]], "similarity": 0.61}
    assert isinstance(coded[0]["start"], int) and coded[0]["year"] == 2001


def _wide(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return header, {r[0]: dict(zip(header, r, strict=True)) for r in rows}


def test_csv_wide_one_row_per_document_one_column_per_code(project: Any, tmp_path: Path) -> None:
    store, _cb, ids = project
    out = tmp_path / "wide.csv"
    res = export(store, "csv-wide", out)
    header, matrix = _wide(out)
    assert header == ["key", "year", "title", *LEAVES, "reviewed_by"]
    assert list(matrix) == [d[0] for d in DOCS] and len(matrix) == res.counts["rows"] == 4
    # nobody marked anything done: no document is reviewed, so every cell is blank (not 0)
    assert all(row[c] == "" for row in matrix.values() for c in LEAVES) and res.counts["reviewed"] == 0
    _all_done(store, ids)
    res = export(store, "csv-wide", out, force=True)
    _header, matrix = _wide(out)
    assert all(row["reviewed_by"] == "alice;bob" for row in matrix.values())
    # consensus view: both coders accepted up.a on doc-a and up.b on doc-d; doc-b (reg.x bob only)
    # and doc-c (up.a alice only) are unresolved, so not reviewed under consensus: blank
    assert matrix["doc-a"]["up.a"] == "1" and matrix["doc-a"]["up.b"] == "0" and matrix["doc-d"]["up.b"] == "1"
    assert matrix["doc-c"]["up.a"] == "" and matrix["doc-b"]["reg.x"] == "" and res.counts["reviewed"] == 2
    assert any("disagree" in w for w in res.warnings)
    # after adjudication the final decisions are in
    adjudicate(store, ids["doc-c"][1], "up.a", "accepted", lead="lena")
    adjudicate(store, ids["doc-b"][1], "reg.x", "rejected", lead="lena")
    export(store, "csv-wide", out, force=True, coder="consensus")
    _header, matrix = _wide(out)
    assert matrix["doc-c"]["up.a"] == "1" and matrix["doc-b"]["reg.x"] == "0"
    export(store, "csv-wide", out, force=True, coder="bob")
    _header, matrix = _wide(out)
    assert matrix["doc-b"]["reg.x"] == "1" and matrix["doc-c"]["up.a"] == "0"


def test_long_exports_carry_the_reviewed_state(project: Any, tmp_path: Path) -> None:
    store, _cb, ids = project
    _all_done(store, {"doc-a": ids["doc-a"]}, ("alice",))
    out = tmp_path / "long.jsonl"
    export(store, "jsonl", out, status="all")
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    state = {(x["document_key"], x["coder"]): (x["passage_done"], x["document_reviewed"]) for x in lines}
    assert state[("doc-a", "alice")] == (True, True) and state[("doc-a", "bob")] == (False, False)
    assert state[("doc-c", "alice")] == (False, False)
    export(store, "csv-long", tmp_path / "long.csv", status="all")
    rows = {(r["document_key"], r["coder"]): (r["passage_done"], r["document_reviewed"]) for r in _rows(tmp_path / "long.csv")}
    assert rows[("doc-a", "alice")] == ("1", "1") and rows[("doc-a", "bob")] == ("0", "0")


def _validate(xml: bytes, xsd: Path) -> list[str]:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(xsd)))
    ok = schema.validate(etree.fromstring(xml))
    return [] if ok else [str(e) for e in schema.error_log]


def test_qdpx_validates_against_the_refi_schema(project: Any, tmp_path: Path, shared_fixtures: Path) -> None:
    store, _cb, _ids = project
    out = tmp_path / "review.qdpx"
    res = export(store, "qdpx", out)
    assert res.counts["codings"] == 6 and res.counts["sources"] == 4 and res.counts["users"] == 2
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        xml = zf.read("project.qde")
        texts = {n: zf.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    assert _validate(xml, shared_fixtures / "refi_qda" / "Project-mrt2019.xsd") == []
    assert len(texts) == 4
    from lxml import etree

    root = etree.fromstring(xml)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", ns)}
    assert sorted(users.values()) == ["alice", "bob"]
    for src in root.findall("q:Sources/q:TextSource", ns):
        text = texts["sources/" + src.get("plainTextPath").removeprefix("internal://")]
        for sel in src.findall("q:PlainTextSelection", ns):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert text[start:end] == sel.get("name")  # offsets point at the passage text
    doc_a = texts[next(n for n in texts if "Firms upgrade" in texts[n])]
    assert doc_a.startswith("Clusters in Italy\n\nFirms upgrade products.")


def test_qdpx_round_trip_keeps_every_accepted_coding(project: Any, tmp_path: Path) -> None:
    store, cb, _ids = project
    out = tmp_path / "review.qdpx"
    export(store, "qdpx", out)
    fresh = Store.open(tmp_path / "fresh.db")
    try:
        res = import_qdpx(fresh, out)
        assert res.documents_added == 4 and res.codings == 6 and res.coders == ("alice", "bob")
        assert res.codebook == "mini"
        assert _accepted(fresh, res.codebook_id) == _accepted(store, cb)
        doc = fresh.db.execute(
            "SELECT title, abstract, year, doi, authors FROM documents WHERE key = 'doc-a'"
        ).fetchone()
        assert doc == (DOCS[0][2], DOCS[0][3], 2001, "10.1/a", '["Doe, Jane","Li, Wei"]')
        total = store.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0]  # rejections too
        assert res.rejections == total - 6
        assert fresh.db.execute("SELECT COUNT(*) FROM audit WHERE action = 'decide'").fetchone()[0] == total
        again = import_qdpx(fresh, out)  # importing twice matches the documents and changes nothing
        assert (
            again.documents_matched == 4
            and fresh.db.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == total
        )
    finally:
        fresh.close()


def test_qdpx_import_of_another_tools_project(tmp_path: Path, shared_fixtures: Path) -> None:
    fresh = Store.open(tmp_path / "fresh.db")
    try:
        res = import_qdpx(fresh, shared_fixtures / "refi_qda" / "skyloom_TestProject.qdpx")
        assert res.codebook and res.documents_added == 0  # the archive holds no source texts
        assert any("not inside the archive" in s for s in res.skipped)
        assert any(s.startswith("PDFSource") for s in res.skipped)
        assert fresh.db.execute("SELECT COUNT(*) FROM codes").fetchone()[0] >= 14
    finally:
        fresh.close()


def test_packaged_xsd_is_the_refi_schema(shared_fixtures: Path) -> None:
    from importlib import resources

    packaged = (resources.files("reviewkit") / "data" / "Project-mrt2019.xsd").read_bytes()
    assert packaged == (shared_fixtures / "refi_qda" / "Project-mrt2019.xsd").read_bytes()


def test_ris_is_readable_by_rispy_with_codes_in_keywords(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    out = tmp_path / "docs.ris"
    export(store, "ris", out)
    refs = rispy.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in refs] == [d[0] for d in DOCS]
    by = {r["id"]: r for r in refs}
    assert "up.a" in by["doc-a"]["keywords"] and "up.b" in by["doc-d"]["keywords"]
    assert "up.a (1 passage)" in by["doc-a"]["notes"][0]
    assert by["doc-d"]["title"] == "产业集群升级" and by["doc-a"]["authors"] == ["Doe, Jane", "Li, Wei"]
    assert "keywords" not in by["doc-b"]


def _all_done(store: Any, ids: dict[str, list[int]], coders: tuple[str, ...] = ("alice", "bob")) -> None:
    for coder in coders:
        for ps in ids.values():
            for p in ps:
                store.reviews.mark(p, coder, "mini")


def test_trends_csv_and_figure(project: Any, tmp_path: Path) -> None:
    store, _cb, ids = project
    _all_done(store, ids)
    out, fig = tmp_path / "trends.csv", tmp_path / "trends.png"
    res = export(store, "trends", out, figure=fig)
    rows = _rows(out)
    assert list(rows[0]) == ["year", "code", "documents", "published", "coded", "share"]
    got = {
        (r["year"], r["code"]): (int(r["documents"]), int(r["published"]), int(r["coded"]), float(r["share"]))
        for r in rows
    }
    # default with two coders: consensus. doc-b (2001, reg.x bob only) and doc-c (2003, up.a
    # alice only) are unresolved, so not reviewed: shares divide by the reviewed documents only.
    assert got[("2001", "up")] == (1, 2, 1, 1.0) and got[("2005", "up")] == (1, 1, 1, 1.0)
    assert got[("2003", "up")] == (0, 1, 0, 0.0)
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and res.files == (str(out), str(fig))
    svg = tmp_path / "t.svg"
    export(store, "trends", tmp_path / "t.csv", figure=svg, codes="up.a,reg")
    assert (
        svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        and "Product upgrading" in svg.read_text()
    )


def test_trends_export_equals_the_trends_service(project: Any, tmp_path: Path) -> None:
    from reviewkit.project.trends import trends

    store, _cb, ids = project
    _all_done(store, ids, ("alice",))
    out = tmp_path / "alice.csv"
    export(store, "trends", out, coder="alice")
    expected = [(str(t.year), t.code, str(t.documents), str(t.coded)) for t in trends(store, coder="alice")]
    assert [(r["year"], r["code"], r["documents"], r["coded"]) for r in _rows(out)] == expected


def test_qdpx_second_language_fields_round_trip(project: Any, tmp_path: Path) -> None:
    store, cb, ids = project
    doc = store.db.execute("SELECT id FROM documents WHERE key = 'doc-a'").fetchone()[0]
    store.db.execute(
        "UPDATE documents SET title_alt = '意大利集群', abstract_alt = '企业升级产品。' WHERE id = ?", [doc]
    )
    cur = store.db.execute(
        'INSERT INTO passages (document_id, field, seq, start, "end", text, lang, text_hash) '
        "VALUES (?, 'abstract_alt', 9, 0, 7, '企业升级产品。', 'zh', 'h')",
        [doc],
    )
    store.db.execute(
        "INSERT INTO codings (passage_id, codebook_id, code_id, coder, status, created_at, decided_at) "
        "VALUES (?, ?, 'up.a', 'alice', 'accepted', '2024-01-02', '2024-01-02')",
        [cur.lastrowid, cb],
    )
    store.db.conn.commit()
    out = tmp_path / "alt.qdpx"
    export(store, "qdpx", out)
    with zipfile.ZipFile(out) as zf:
        text = next(zf.read(n).decode() for n in zf.namelist() if "意大利" in zf.read(n).decode())
    assert (
        text
        == "Clusters in Italy\n\nFirms upgrade products. They also learn together.\n\n意大利集群\n\n企业升级产品。"
    )
    fresh = Store.open(tmp_path / "fresh.db")
    try:
        res = import_qdpx(fresh, out)
        assert _accepted(fresh, res.codebook_id) == _accepted(store, cb)
        row = fresh.db.execute("SELECT title_alt, abstract_alt FROM documents WHERE key = 'doc-a'").fetchone()
        assert row == ("意大利集群", "企业升级产品。")
    finally:
        fresh.close()


def test_report_has_the_sections(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    out = tmp_path / "methods.md"
    res = export(store, "report", out)
    text = out.read_text(encoding="utf-8")
    for section in ("## Data sources", "## Deduplication", "## Screening", "## Codebook", "## Automatic coding",
                    "## Human review", "## Trends", "## Limitations"):  # fmt: skip
        assert section in text
    assert "This left 4 unique records." in text and "| up.a | Product upgrading | 产品升级 | Better products. |" in text
    assert "Records were not screened in reviewkit: all 4 documents were coded." in text
    assert "The coders, alice and bob," in text and "| up.a | 12 | 0.62 | 0.63 | 91.7% | substantial |" in text
    assert "computed on the 4 documents that every coder reviewed" in text
    assert "1 remained unresolved" in text
    assert res.files == (str(out),) and res.counts["documents"] == 4
    html = tmp_path / "methods.html"
    export(store, "report", html)
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Human review" in page and "<script" not in page


def test_existing_file_needs_force(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    out = tmp_path / "long.csv"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="--force"):
        export(store, "csv-long", out)
    assert out.read_text(encoding="utf-8") == "keep me"
    (tmp_path / "m.md").write_text("old", encoding="utf-8")
    with pytest.raises(ExportError, match="m.md.*--force"):
        export(store, "report", tmp_path / "m.md")
    assert (tmp_path / "m.md").read_text(encoding="utf-8") == "old"
    export(store, "csv-long", out, force=True)
    assert out.read_text(encoding="utf-8").startswith("document_key,")


def test_failed_write_leaves_no_file(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    from reviewkit.exporters.base import Exporter

    @exporters.register("test-broken.v1")
    class Broken(Exporter):
        name = "test-broken"

        def write(self, data: Any, path: Path) -> dict[str, Any]:
            path.write_text("half of it", encoding="utf-8")
            raise OSError(28, "No space left on device")

    out = tmp_path / "broken.csv"
    with pytest.raises(ExportError, match="No space left on device"):
        export(store, "test-broken", out)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".broken")]  # no temporary file left
    # an existing file survives a failed overwrite
    out.write_text("previous export", encoding="utf-8")
    with pytest.raises(ExportError):
        export(store, "test-broken", out, force=True)
    assert out.read_text(encoding="utf-8") == "previous export"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]


def test_folder_without_write_permission(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    if os.geteuid() == 0:  # root writes into read-only folders; /proc refuses new files even to root
        if not Path("/proc/self").exists():
            pytest.skip("needs a read-only folder")
        with pytest.raises(ExportError, match="Cannot write"):
            export(store, "csv-long", Path("/proc/reviewkit-test.csv"))
        assert not Path("/proc/reviewkit-test.csv").exists()
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="Cannot write"):
            export(store, "csv-long", folder / "x.csv")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_unknown_coder_format_and_codes(project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = project
    with pytest.raises(NotFoundError, match="alice, bob, or consensus"):
        export(store, "csv-long", tmp_path / "x.csv", coder="zed")
    with pytest.raises(UnknownComponentError, match="csv-long.v1"):
        export(store, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(NotFoundError, match="up.a"):
        export(store, "trends", tmp_path / "t.csv", codes="nosuch")
    with pytest.raises(ExportError, match=".svg, .png or .pdf"):
        export(store, "trends", tmp_path / "t.csv", figure=tmp_path / "t.jpg")
    assert not list(tmp_path.glob("x.*")) and not (tmp_path / "t.csv").exists()


def _cli(args: list[str]) -> Any:
    from reviewkit.cli import cli

    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_export(project: Any, tmp_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "wide.csv"
    res = _cli(["export", "csv-wide", str(out), "--db", str(tmp_db)])
    assert res.exit_code == 0 and f"Wrote {out}" in res.output and out.exists()
    res = _cli(["export", "csv-wide", str(out), "--db", str(tmp_db)])
    assert res.exit_code == 1 and "--force" in res.output
    res = _cli(["export", "csv-wide", str(out), "--db", str(tmp_db), "--force", "--coder", "nobody"])
    assert res.exit_code == 1 and "alice, bob" in res.output
    res = _cli(["export", "nosuch", str(out), "--db", str(tmp_db)])
    assert res.exit_code == 1 and "Available:" in res.output
    res = _cli(["export", "csv-long", str(out), "--db", str(tmp_db), "--status", "maybe"])
    assert res.exit_code == 2


def test_trends_from_suggestions(tmp_path: Path) -> None:
    """`--source suggested` charts the tagger's suggestions, equal to `reviewkit trends --source suggested`."""
    from reviewkit.cli import cli
    from reviewkit.project.trends import trends
    from reviewkit.store import Store

    db = tmp_path / "demo.db"
    run = CliRunner().invoke(cli, ["demo", "--db", str(db), "--no-tui", "--method", "rules"])
    assert run.exit_code == 0, run.output
    out = tmp_path / "suggested.csv"
    result = CliRunner().invoke(
        cli, ["export", "trends", str(out), "--source", "suggested", "--codes", "regionalism", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    store = Store.open(db)
    try:
        expected = trends(store, "regionalism", source="suggested")
    finally:
        store.close()
    assert [(int(r["year"]), int(r["documents"]), int(r["coded"])) for r in rows] == [
        (t.year, t.documents, t.coded) for t in expected
    ]
    assert sum(int(r["coded"]) for r in rows) > 50
    report = tmp_path / "methods.md"
    result = CliRunner().invoke(cli, ["export", "report", str(report), "--db", str(db)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")  # trends in the report are over reviewed documents only
    assert "No trends were computed: no reviewed document had a publication year." in text
    assert "the tagger made 0 suggestions" not in text and "## Automatic coding" in text

"""Memos: the services and CLI, the memos export (csv/jsonl) and the .qdpx Notes round trip."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from reviewkit.cli import cli
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.exports import export
from reviewkit.project.memos import add_memo, delete_memo, list_memos
from reviewkit.project.qdpx_import import import_qdpx
from reviewkit.refi.project_write import validate_project
from reviewkit.store import Store

NS = {"q": "urn:QDA-XML:project:1.0"}


def _add_four(store: Any, ids: dict[str, list[int]]) -> None:
    add_memo(store, f"passage:{ids['doc-a'][1]}", "Product, not process.", "alice")
    add_memo(store, f"passage:{ids['doc-c'][2]}", "未编码的段落：值得再看。", "bob")  # a passage nobody coded
    add_memo(store, "document:doc-b", "Check the full text.", "bob")
    add_memo(store, "code:up.a", "Definition too broad?", "alice")
    add_memo(store, "project", "Round 1 uses codebook mini.", "alice")


def test_add_list_delete_and_audit(agreement_project: Any) -> None:
    store, _cb, ids = agreement_project
    _add_four(store, ids)
    memos = list_memos(store)
    assert [m.target_kind for m in memos] == ["passage", "passage", "document", "code", "project"]
    assert memos[2].target == str(store.documents.get("doc-b").id) and memos[0].created_at
    assert [m.text for m in list_memos(store, "code:up.a")] == ["Definition too broad?"]
    assert [m.coder for m in list_memos(store, coder="bob")] == ["bob", "bob"]
    gone = delete_memo(store, memos[0].id, "carol")
    assert gone.id == memos[0].id and len(list_memos(store)) == 4
    assert store.memos.get(memos[0].id).deleted_at  # kept, marked deleted
    actors = [r[0] for r in store.db.execute("SELECT coder FROM audit WHERE action = 'memo' ORDER BY id")]
    assert actors == ["alice", "bob", "bob", "alice", "alice", "carol"]
    with pytest.raises(NotFoundError):
        delete_memo(store, memos[0].id, "carol")
    for bad in ("passage:99999", "document:nope", "code:zz"):
        with pytest.raises(NotFoundError):
            add_memo(store, bad, "x", "alice")
    for bad in ("paragraph:1", "passage:", "project:3"):
        with pytest.raises(ReviewkitError, match="passage:ID"):
            add_memo(store, bad, "x", "alice")
    with pytest.raises(ReviewkitError, match="needs some text"):
        add_memo(store, "project", "  ", "alice")


def test_memos_export_csv_and_jsonl(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, ids = agreement_project
    _add_four(store, ids)
    res = export(store, "memos", tmp_path / "memos.csv")
    assert res.counts == {"memos": 5}
    with (tmp_path / "memos.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["document_key"] == "doc-a" and rows[0]["field"] == "abstract" and rows[0]["coder"] == "alice"
    assert rows[1]["text"] == "未编码的段落：值得再看。"
    assert rows[3]["target"] == "up.a" and rows[3]["start"] == "" and rows[4]["target_kind"] == "project"
    export(store, "memos", tmp_path / "memos.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "memos.jsonl").read_text(encoding="utf-8").splitlines()]
    passage = store.passages.get(ids["doc-a"][1])
    assert (lines[0]["start"], lines[0]["end"]) == (passage.start, passage.end)
    assert [x["text"] for x in lines] == [r["text"] for r in rows]


def test_memos_go_to_qdpx_notes_and_come_back(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, ids = agreement_project
    _add_four(store, ids)
    out = tmp_path / "review.qdpx"
    assert export(store, "qdpx", out).counts["notes"] == 5
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("project.qde")
    assert validate_project(xml) == []
    root = etree.fromstring(xml)
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.findall("q:Notes/q:Note", NS)}
    assert len(notes) == 5
    linked = {
        "project": [r.get("targetGUID") for r in root.findall("q:NoteRef", NS)],
        "code": [r.get("targetGUID") for r in root.findall(".//q:Code/q:NoteRef", NS)],
        "source": [r.get("targetGUID") for r in root.findall(".//q:TextSource/q:NoteRef", NS)],
        "selection": [r.get("targetGUID") for r in root.findall(".//q:PlainTextSelection/q:NoteRef", NS)],
    }
    assert [notes[g] for g in linked["project"]] == ["Round 1 uses codebook mini."]
    assert [notes[g] for g in linked["code"]] == ["Definition too broad?"]
    assert [notes[g] for g in linked["source"]] == ["Check the full text."]
    assert sorted(notes[g] for g in linked["selection"]) == sorted(["Product, not process.", "未编码的段落：值得再看。"])

    fresh = Store.open(tmp_path / "fresh.db")
    try:
        res = import_qdpx(fresh, out)
        assert res.memos == 5

        def placed(s: Any) -> list[tuple[str, str, str, str]]:
            out = []
            for m in s.memos.list():
                where = m.target
                if m.target_kind == "passage":
                    q = s.passages.get(int(m.target))
                    where = f"{s.documents.get(q.document_id).key}:{q.field}:{q.start}:{q.end}"
                elif m.target_kind == "document":
                    where = s.documents.get(int(m.target)).key
                out.append((m.target_kind, where, m.coder, m.text))
            return sorted(out)

        assert placed(fresh) == placed(store)
        assert import_qdpx(fresh, out).memos == 0  # a second import does not repeat them
    finally:
        fresh.close()


def test_cli_memo(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, ids = agreement_project
    db = str(store.path)
    store.close()
    run = CliRunner()
    r = run.invoke(cli, ["memo", "add", "--on", f"passage:{ids['doc-a'][0]}", "--coder", "erin", "Title matters.", "--db", db])
    assert r.exit_code == 0 and "Memo 1 on passage" in r.output and "erin" in r.output
    r = run.invoke(cli, ["memo", "list", "--json", "--db", db])
    assert r.exit_code == 0 and json.loads(r.output)[0]["text"] == "Title matters."
    r = run.invoke(cli, ["memo", "add", "--on", "chapter:2", "x", "--db", db])
    assert r.exit_code != 0 and "passage:ID" in r.output and "Traceback" not in r.output
    r = run.invoke(cli, ["memo", "delete", "1", "--db", db])
    assert r.exit_code == 0 and "Deleted memo 1" in r.output
    r = run.invoke(cli, ["memo", "list", "--json", "--db", db])
    assert json.loads(r.output) == []

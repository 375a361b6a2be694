"""`reviewkit codings import`: long-format CSV/JSONL decisions, matched by offsets or text, all or nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from _agreement_fixtures import add_codebook, add_documents, standard_project
from click.testing import CliRunner

from reviewkit.errors import ImportFormatError
from reviewkit.project.agreement import agreement
from reviewkit.project.codings_import import import_codings
from reviewkit.project.exports import export


@pytest.fixture
def project(store: Any) -> tuple[Any, dict[str, list[int]]]:
    add_codebook(store)
    return store, add_documents(store)


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _decisions(store: Any, coder: str) -> list[tuple[int, str, str, str]]:
    return [
        tuple(r)
        for r in store.db.execute(
            "SELECT passage_id, code_id, status, origin FROM codings WHERE coder = ? ORDER BY passage_id, code_id",
            [coder],
        )
    ]


def test_csv_by_offsets(project: Any, tmp_path: Path) -> None:
    store, ids = project
    f = _write_csv(
        tmp_path / "carol.csv",
        ["document_key", "field", "start", "end", "code_id", "status"],
        [["doc-a", "abstract", 0, 23, "up.a", "accepted"], ["doc-d", "abstract", 0, 15, "up.b", "rejected"]],
    )
    res = import_codings(store, f, coder="carol")
    assert (res.lines, res.added, res.changed, res.unchanged) == (2, 2, 0, 0)
    assert res.by_status == {"accepted": 1, "rejected": 1}
    assert _decisions(store, "carol") == [
        (ids["doc-a"][1], "up.a", "accepted", "import"),
        (ids["doc-d"][1], "up.b", "rejected", "import"),
    ]
    audit = store.db.execute(
        "SELECT COUNT(DISTINCT batch), COUNT(*) FROM audit WHERE coder = 'carol'"
    ).fetchone()
    assert audit == (1, 2)  # one undo step, one audit row per decision
    again = import_codings(store, f, coder="carol")
    assert (again.added, again.unchanged) == (0, 2)


def test_jsonl_by_text_with_chinese(project: Any, tmp_path: Path) -> None:
    store, ids = project
    f = tmp_path / "dan.jsonl"
    lines = [
        {
            "document_key": "doc-d",
            "passage_text": "集群企业通过学习实现工艺升级。",
            "code_id": "up.b",
            "status": "accepted",
        },
        {"document_key": "doc-b", "passage_text": "  Innovation systems   matter. ", "code_id": "reg.x"},
    ]
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    res = import_codings(store, f, coder="dan")
    assert res.added == 2
    assert _decisions(store, "dan") == [
        (ids["doc-b"][1], "reg.x", "accepted", "import"),  # empty status means accepted
        (ids["doc-d"][1], "up.b", "accepted", "import"),
    ]


def test_round_trip_of_the_long_exports(tmp_path: Path, store: Any) -> None:
    standard_project(store)
    for fmt, name in (("csv-long", "x.csv"), ("jsonl", "x.jsonl")):
        out = tmp_path / name
        export(store, fmt, out, coder="alice", status="all")
        res = import_codings(store, out, coder=f"alice-{fmt}")
        assert res.added == res.lines
        copy = agreement(store, ["alice", f"alice-{fmt}"]).intercoder
        assert copy is not None and copy.overall.percent_agreement == 1.0


def test_bad_lines_are_reported_and_nothing_is_imported(project: Any, tmp_path: Path) -> None:
    store, _ids = project
    f = _write_csv(
        tmp_path / "bad.csv",
        ["document_key", "field", "start", "end", "passage_text", "code_id", "status"],
        [
            ["doc-a", "abstract", 0, 23, "", "up.a", "accepted"],  # line 2: fine
            ["doc-zzz", "abstract", 0, 23, "", "up.a", "accepted"],  # line 3: unknown document
            ["doc-a", "abstract", 5, 9, "", "up.a", "accepted"],  # line 4: no passage there
            ["doc-a", "", "", "", "Not in the text.", "up.a", "accepted"],  # line 5: no such text
            ["doc-b", "abstract", 0, 26, "", "up.zz", "accepted"],  # line 6: unknown code
            ["doc-b", "abstract", 0, 26, "", "up.a", "maybe"],  # line 7: unknown status
            ["doc-a", "abstract", 0, 23, "", "up.a", "rejected"],  # line 8: contradicts line 2
        ],
    )
    with pytest.raises(ImportFormatError) as exc:
        import_codings(store, f, coder="erin")
    msg = str(exc.value)
    assert exc.value.line == 3 and "nothing was imported" in msg
    for n, what in ((3, "unknown document key 'doc-zzz'"), (4, "document 'doc-a' has no passage at abstract 5-9"), (5, "document 'doc-a' has no passage with this text"),
                    (6, "unknown code 'up.zz'"), (7, "unknown status 'maybe'"), (8, "contradicts line 2")):  # fmt: skip
        assert f"line {n}: {what}" in msg
    assert "line 2:" not in msg and "Codes of mini: up, up.a" in msg
    assert _decisions(store, "erin") == []
    assert store.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0


def test_missing_columns_and_coder(project: Any, tmp_path: Path) -> None:
    store, _ids = project
    f = _write_csv(tmp_path / "x.csv", ["key", "code"], [["doc-a", "up.a"]])
    with pytest.raises(ImportFormatError, match="missing column.*document_key"):
        import_codings(store, f, coder="x")
    f = _write_csv(
        tmp_path / "y.csv",
        ["document_key", "passage_text", "code_id"],
        [["doc-a", "Clusters in Italy", "up.a"]],
    )
    with pytest.raises(ImportFormatError, match="line 2: no coder"):
        import_codings(store, f)
    bad = tmp_path / "z.jsonl"
    bad.write_text('{"document_key": "doc-a", "code_id": "up.a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="line 2"):
        import_codings(store, bad, coder="x")


def test_coder_column_used_when_no_coder_given(project: Any, tmp_path: Path) -> None:
    store, _ids = project
    f = _write_csv(
        tmp_path / "two.csv",
        ["document_key", "passage_text", "code_id", "coder"],
        [["doc-a", "Clusters in Italy", "up.a", "fay"], ["doc-a", "Clusters in Italy", "up.a", "gus"]],
    )
    res = import_codings(store, f)
    assert res.coders == ("fay", "gus") and res.added == 2


def test_cli_codings_import(project: Any, tmp_db: Path, tmp_path: Path) -> None:
    from reviewkit.cli import cli

    good = _write_csv(
        tmp_path / "g.csv",
        ["document_key", "passage_text", "code_id"],
        [["doc-c", "Lead firms decide.", "up.b"]],
    )
    res = CliRunner().invoke(cli, ["codings", "import", str(good), "--coder", "hal", "--db", str(tmp_db)])
    assert res.exit_code == 0, res.output
    assert "Imported 1 decision line(s) for hal (1 accepted): 1 new, 0 changed, 0 unchanged." in res.output
    bad = _write_csv(tmp_path / "b.csv", ["document_key", "passage_text", "code_id"], [["nope", "x", "up.b"]])
    res = CliRunner().invoke(cli, ["codings", "import", str(bad), "--coder", "hal", "--db", str(tmp_db)])
    assert res.exit_code == 1 and "line 2: unknown document key 'nope'" in res.output
    res = CliRunner().invoke(cli, ["codings", "import", str(tmp_path / "missing.csv"), "--db", str(tmp_db)])
    assert res.exit_code == 2

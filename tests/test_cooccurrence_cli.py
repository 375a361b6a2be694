"""`reviewkit cooccurrence`: the matrix over the codes that count under the source rule."""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.project.cooccurrence import code_cooccurrence


def _done(store: Any, ids: dict[str, list[int]], coder: str) -> None:
    for ps in ids.values():
        for p in ps:
            store.reviews.mark(p, coder, "mini")


def _by_hand(store: Any, coder: str, level: str) -> dict[tuple[str, str], int]:
    col = "d.id" if level == "document" else "p.id"
    units: dict[str, set[int]] = {}
    for unit, code in store.db.execute(
        f"SELECT {col}, c.code_id FROM codings c JOIN passages p ON p.id = c.passage_id "
        "JOIN documents d ON d.id = p.document_id WHERE c.coder = ? AND c.status = 'accepted'",
        [coder],
    ):
        units.setdefault(code, set()).add(unit)
    return {(a, b): len(units[a] & units[b]) for a, b in product(units, units)}


def test_matrix_equals_a_count_by_hand(agreement_project: Any) -> None:
    store, _cb, ids = agreement_project
    _done(store, ids, "alice")
    for level in ("document", "passage"):
        rep = code_cooccurrence(store, level=level, source="coder:alice")
        expected = _by_hand(store, "alice", level)
        assert set(rep.matrix.codes) == {a for a, _b in expected}
        assert {(c.code_a, c.code_b): c.count for c in rep.matrix.cells()} == expected
        assert rep.source == "coder:alice" and rep.reviewed_documents == 4


def test_cli_formats(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, ids = agreement_project
    _done(store, ids, "alice")
    expected = _by_hand(store, "alice", "document")
    db = str(store.path)
    store.close()
    run = CliRunner()
    r = run.invoke(cli, ["cooccurrence", "--source", "coder:alice", "--format", "json", "--db", db])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["source"] == "coder:alice" and data["level"] == "document"
    assert {(c["code_a"], c["code_b"]): c["count"] for c in data["cells"]} == expected
    r = run.invoke(cli, ["cooccurrence", "--source", "coder:alice", "--format", "csv", "--db", db])
    lines = r.output.strip().splitlines()
    assert lines[0] == "code_a,code_b,count,jaccard,conditional" and len(lines) == 1 + len(expected)
    r = run.invoke(cli, ["cooccurrence", "--source", "coder:alice", "--measure", "jaccard", "--db", db])
    assert r.exit_code == 0 and "Co-occurrence (jaccard)" in r.output and "1.00" in r.output
    r = run.invoke(cli, ["cooccurrence", "--source", "coder:zed", "--db", db])
    assert r.exit_code != 0 and "zed" in r.output and "Traceback" not in r.output
    r = run.invoke(cli, ["cooccurrence", "--codes", "nope", "--db", db])
    assert r.exit_code != 0 and "nope" in r.output

"""Screening services and the `screen` commands on a real project file (CliRunner)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewkit.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CORPUS_RIS = ROOT / "corpus" / "cluster-literature-en.ris"
OFF_TOPIC = [
    ("Petri nets for modelling concurrent manufacturing control software", "10.1000/petri.1", 2004),
    ("A bibliometric analysis of nanotechnology patents and publications", "10.1000/nano.2", 2010),
    ("Avatar networking in massively multiplayer online games", "10.1000/avatar.3", 2012),
    ("Deep learning for protein folding prediction", "10.1000/protein.4", 2019),
]
PROTOCOL = """criteria: |
  Industrial clusters and global value chains; upgrading of firms in clusters.
reasons:
  - wrong topic
  - wrong study type
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _ris(records: list[tuple[str, str, int]]) -> str:
    out = []
    for title, doi, year in records:
        out.append(
            f"TY  - JOUR\nTI  - {title}\nPY  - {year}\nDO  - {doi}\nAB  - {title}. An abstract about it.\nER  - \n"
        )
    return "\n".join(out)


@pytest.fixture
def project(tmp_path: Path) -> str:
    """A project of the corpus's English RIS plus four off-topic records we wrote."""
    db = str(tmp_path / "p.db")
    off = tmp_path / "offtopic.ris"
    off.write_text(_ris(OFF_TOPIC), encoding="utf-8")
    assert run("init", "--db", db)[0] == 0
    code, out = run("import", str(CORPUS_RIS), str(off), "--db", db)
    assert code == 0, out
    return db


def _ids(db: str) -> dict[str, int]:
    code, out = run("docs", "list", "--json", "--limit", "10000", "--db", db)
    assert code == 0
    return {r["title"]: r["id"] for r in json.loads(out)}


def _doc_count(db: str) -> int:
    return int(json.loads(run("stats", "--json", "--db", db)[1])["documents"])


def test_protocol_load_and_errors_with_lines(project: str, tmp_path: Path) -> None:
    good = tmp_path / "protocol.yaml"
    good.write_text(PROTOCOL, encoding="utf-8")
    code, out = run("screen", "protocol", str(good), "--db", project)
    assert code == 0 and "2 exclusion reasons (wrong topic, wrong study type)" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "criteria: ''\nreasons:\n  - wrong topic\n  - 5\n  - wrong topic\ncolour: red\n", encoding="utf-8"
    )
    code, out = run("screen", "protocol", str(bad), "--db", project)
    assert code == 1
    assert f"{bad}: 4 problem(s)" in out
    assert "reasons[1]: expected a non-empty text, got 5 (line 4)" in out
    assert "reasons[2]: duplicate reason 'wrong topic' (line 5)" in out
    assert "colour: unknown key (line 6)" in out and "criteria: expected the inclusion criteria" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("criteria: [unclosed\n", encoding="utf-8")
    code, out = run("screen", "protocol", str(broken), "--db", project)
    assert code == 1 and "line 2" in out and "not valid YAML" in out
    # the loaded protocol still stands: its reasons, not the defaults
    ids = list(_ids(project).values())
    code, out = run(
        "screen",
        "decide",
        str(ids[0]),
        "exclude",
        "--reason",
        "language",
        "--coder",
        "alice",
        "--db",
        project,
    )
    assert (
        code == 1 and "Unknown exclusion reason 'language'. Use one of: wrong topic, wrong study type." in out
    )


def test_default_reasons_and_decide_validation(project: str) -> None:
    ids = list(_ids(project).values())
    code, out = run("screen", "decide", str(ids[0]), "exclude", "--coder", "alice", "--db", project)
    assert code == 1 and "wrong population/setting" in out and "duplicate missed" in out
    code, out = run("screen", "decide", "999999", "include", "--coder", "alice", "--db", project)
    assert code == 1 and "No document 999999" in out
    code, out = run(
        "screen",
        "decide",
        str(ids[0]),
        "include",
        "--reason",
        "wrong topic",
        "--coder",
        "alice",
        "--db",
        project,
    )
    assert code == 1 and "A reason goes with an exclusion only" in out
    code, out = run("screen", "decide", str(ids[0]), "include", "--coder", "consensus", "--db", project)
    assert code == 1 and "screen resolve" in out


def test_next_decide_status_undo(project: str, tmp_path: Path) -> None:
    good = tmp_path / "protocol.yaml"
    good.write_text(PROTOCOL, encoding="utf-8")
    run("screen", "protocol", str(good), "--db", project)
    total = _doc_count(project)
    titles = {v: k for k, v in _ids(project).items()}
    off_titles = {t for t, _, _ in OFF_TOPIC}
    code, out = run("screen", "next", "--coder", "alice", "--json", "--db", project)
    first = json.loads(out)
    assert code == 0 and not first["trained"] and first["left"] == total
    # cold start from the criteria: an off-topic record never comes first
    assert first["title"] not in off_titles
    decided: list[int] = []
    for _ in range(6):  # include corpus records, exclude off-topic ones, in the ranker's order
        nxt = json.loads(run("screen", "next", "--coder", "alice", "--json", "--db", project)[1])
        is_off = nxt["title"] in off_titles
        args = ["exclude", "--reason", "wrong topic"] if is_off else ["include"]
        code, out = run("screen", "decide", str(nxt["id"]), *args, "--coder", "alice", "--db", project)
        assert code == 0, out
        decided.append(nxt["id"])
    off_ids = [i for i, t in titles.items() if t in off_titles]
    code, out = run("screen", "decide", str(off_ids[0]), "exclude", "--reason", "wrong topic", "--coder", "alice",
                    "--note", "software", "--db", project)  # fmt: skip
    assert code == 0 and out == f"alice: document {off_ids[0]} exclude (wrong topic)\n"
    nxt = json.loads(run("screen", "next", "--coder", "alice", "--json", "--db", project)[1])
    assert nxt["trained"] and nxt["id"] not in decided and nxt["id"] != off_ids[0]
    assert nxt["left"] == total - len(set(decided) | {off_ids[0]})
    code, out = run("screen", "status", "--coder", "alice", "--json", "--db", project)
    st = json.loads(out)
    n_exc = 1 + sum(1 for i in decided if i in off_ids and i != off_ids[0])
    assert (st["total"], st["screened"], st["excluded"]) == (total, len(set(decided) | {off_ids[0]}), n_exc)
    assert st["included"] == st["screened"] - n_exc and st["excluded_by_reason"] == [["wrong topic", n_exc]]
    assert st["since_last_inclusion"] >= 1 and st["reviewers"] == ["alice"]
    code, out = run("screen", "status", "--coder", "alice", "--db", project)
    assert f"screened {st['screened']} / {total}" in out and f"  wrong topic: {n_exc}" in out
    code, out = run("screen", "undo", "--coder", "alice", "--db", project)
    assert out == "alice: undid 1 change(s).\n"
    st2 = json.loads(run("screen", "status", "--coder", "alice", "--json", "--db", project)[1])
    assert (st2["screened"], st2["excluded"]) == (st["screened"] - 1, st["excluded"] - 1)


def test_double_screening_conflicts_resolve_kappa(project: str) -> None:
    ids = sorted(_ids(project).values())[:8]
    alice = ["include", "include", "include", "exclude", "exclude", "include", "exclude", "include"]
    bob = ["include", "include", "exclude", "exclude", "exclude", "include", "include", "include"]
    for who, decisions in (("alice", alice), ("bob", bob)):
        for doc, d in zip(ids, decisions, strict=True):
            extra = ["--reason", "wrong topic"] if d == "exclude" else []
            assert run("screen", "decide", str(doc), d, *extra, "--coder", who, "--db", project)[0] == 0
    code, out = run("screen", "conflicts", "--json", "--db", project)
    found = json.loads(out)
    assert [c["id"] for c in found] == [ids[2], ids[6]]
    assert found[0]["decisions"] == "alice: include; bob: exclude (wrong topic)"
    # kappa: 8 units, 6 agree; p_o = .75, p_e = (5/8*5/8 + 3/8*3/8) = .53125 -> kappa = .4667
    code, out = run("agreement", "--stage", "screening", "--coders", "alice,bob", "--json", "--db", project)
    k = json.loads(out)
    assert (
        code == 0 and (k["units"], k["agreed"]) == (8, 6) and k["kappa"] == pytest.approx(0.21875 / 0.46875)
    )
    assert k["band"] == "moderate"
    code, out = run("agreement", "--stage", "screening", "--db", project)
    assert "Cohen's kappa 0.467 (moderate)" in out
    code, out = run("screen", "resolve", str(ids[2]), "exclude", "--reason", "wrong study type", "--lead", "carol",
                    "--db", project)  # fmt: skip
    assert code == 0 and "resolved by carol" in out
    assert [c["id"] for c in json.loads(run("screen", "conflicts", "--json", "--db", project)[1])] == [ids[6]]
    st = json.loads(run("screen", "status", "--json", "--coder", "alice", "--db", project)[1])
    assert (st["screened"], st["included"], st["excluded"], st["conflicts"]) == (7, 4, 3, 1)
    assert dict(map(tuple, st["excluded_by_reason"])) == {"wrong topic": 2, "wrong study type": 1}
    # the resolution is audited and undoable by the consensus coder
    assert (
        run("screen", "undo", "--coder", "consensus", "--db", project)[1] == "consensus: undid 1 change(s).\n"
    )
    assert len(json.loads(run("screen", "conflicts", "--json", "--db", project)[1])) == 2
    code, out = run("agreement", "--stage", "screening", "--coders", "alice", "--db", project)
    assert code == 1 and "needs two reviewers" in out


def test_export_csv_ris_and_import_back(project: str, tmp_path: Path) -> None:
    ids = _ids(project)
    off = {ids[t] for t, _, _ in OFF_TOPIC}
    some = sorted(set(ids.values()) - off)[:3]
    for doc in some:
        run("screen", "decide", str(doc), "include", "--coder", "alice", "--db", project)
    for doc in off:
        run(
            "screen",
            "decide",
            str(doc),
            "exclude",
            "--reason",
            "wrong study type",
            "--coder",
            "alice",
            "--db",
            project,
        )
    out_csv, out_ris = tmp_path / "s.csv", tmp_path / "s.ris"
    assert run("screen", "export", str(out_csv), "--db", project) == (
        0,
        f"Wrote {len(ids)} records to {out_csv}\n",
    )
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    labels = {int(r["id"]): r["label_included"] for r in rows}
    assert {i for i, v in labels.items() if v == "1"} == set(some) and {
        i for i, v in labels.items() if v == "0"
    } == off
    assert all(r["reason"] == "wrong study type" for r in rows if int(r["id"]) in off)
    assert run("screen", "export", str(out_csv), "--db", project)[0] == 1  # exists, no --force
    assert run("screen", "export", str(out_ris), "--db", project)[0] == 0
    text = out_ris.read_text(encoding="utf-8")
    assert text.count("ASReview_relevant") == 3 and text.count("ASReview_irrelevant") == len(off)
    assert text.count(
        'RAYYAN-INCLUSION: {"reviewkit"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: wrong study type'
    ) == len(off)
    # the exported files are labelled sets: import them back as other reviewers
    for reviewer, path in (("bob", out_ris), ("dan", out_csv)):
        code, out = run("screen", "import", str(path), "--reviewer", reviewer, "--db", project)
        assert code == 0, out
        assert (
            f"{reviewer}: 3 included, {len(off)} excluded, 0 maybe; 0 unmatched, {len(ids) - 3 - len(off)} unlabelled"
            in out
        )
    k = json.loads(
        run("agreement", "--stage", "screening", "--coders", "alice,bob", "--json", "--db", project)[1]
    )
    assert (k["units"], k["agreed"], k["kappa"]) == (3 + len(off), 3 + len(off), 1.0)
    k = json.loads(
        run("agreement", "--stage", "screening", "--coders", "alice,dan", "--json", "--db", project)[1]
    )
    assert k["agreed"] == 3 + len(off)


def test_import_asreview_csv_matches_by_doi_then_title(project: str, tmp_path: Path) -> None:
    f = tmp_path / "asreview.csv"
    f.write_text(
        "title,abstract,doi,year,label_included\n"
        "A different title entirely,x,10.1000/PETRI.1,2004,0\n"  # DOI match (case-insensitive)
        '"A Bibliometric Analysis of Nanotechnology Patents and Publications.",x,,2010,1\n'  # title + year
        "Avatar networking in massively multiplayer online games,x,,1999,0\n"  # wrong year: unmatched
        "Unknown record,x,,2001,1\n",  # unmatched
        encoding="utf-8",
    )
    code, out = run("screen", "import", str(f), "--reviewer", "eve", "--db", project)
    assert code == 0 and "eve: 1 included, 1 excluded, 0 maybe; 2 unmatched, 0 unlabelled" in out
    assert (
        "unmatched: record 3 (line 4): Avatar networking" in out
        and "unmatched: record 4 (line 5): Unknown" in out
    )
    ids = _ids(project)
    export = tmp_path / "eve.csv"
    run("screen", "export", str(export), "--coder", "eve", "--db", project)
    rows = {int(r["id"]): r for r in csv.DictReader(export.open(encoding="utf-8"))}
    assert (
        rows[ids[OFF_TOPIC[0][0]]]["decision"] == "exclude"
        and rows[ids[OFF_TOPIC[0][0]]]["reason"] == "imported"
    )
    assert rows[ids[OFF_TOPIC[1][0]]]["decision"] == "include"
    nolabel = tmp_path / "plain.csv"
    nolabel.write_text("title,year\nSomething,2000\n", encoding="utf-8")
    code, out = run("screen", "import", str(nolabel), "--reviewer", "eve", "--db", project)
    assert code == 1 and "no inclusion labels" in out


def test_scope_coding_and_exports_work_on_included_documents(project: str, tmp_path: Path) -> None:
    total = _doc_count(project)
    assert (
        run("codebook", "load", str(ROOT / "codebooks" / "cluster-upgrading.yaml"), "--db", project)[0] == 0
    )
    ids = sorted(_ids(project).values())
    keys = {
        int(r["id"]): r["key"]
        for r in json.loads(run("docs", "list", "--json", "--limit", "1000", "--db", project)[1])
    }
    run("screen", "decide", str(ids[0]), "include", "--coder", "alice", "--db", project)
    run("screen", "decide", str(ids[1]), "include", "--coder", "alice", "--db", project)
    run(
        "screen",
        "decide",
        str(ids[2]),
        "exclude",
        "--reason",
        "wrong topic",
        "--coder",
        "alice",
        "--db",
        project,
    )
    run("screen", "decide", str(ids[3]), "maybe", "--coder", "alice", "--db", project)
    code, out = run("code", "--method", "rules", "--db", project)
    assert code == 0, out
    assert (
        f"Coding the 2 included of {total} documents (screening has begun; --all for every document)." in out
    )
    assert "of 2 documents" in out
    code, out = run("code", "--method", "rules", "--all", "--db", project)
    assert (
        code == 0 and f"Coding all {total} documents (--all)." in out and f"of {total - 2} documents" in out
    )
    wide = tmp_path / "wide.csv"
    code, out = run("export", "csv-wide", str(wide), "--db", project)
    assert code == 0 and f"exported the 2 included of {total} documents" in out
    assert sorted(r["key"] for r in csv.DictReader(wide.open(encoding="utf-8"))) == sorted(
        keys[i] for i in ids[:2]
    )
    code, out = run("export", "csv-wide", str(wide), "--all", "--force", "--db", project)
    assert code == 0 and f"exported all {total} documents (--all)" in out
    assert len(list(csv.DictReader(wide.open(encoding="utf-8")))) == total


def test_trends_over_included_documents_equal_unscoped_over_all(project: str) -> None:
    from reviewkit.project import open_project
    from reviewkit.project.trends import trends

    assert run("codebook", "load", str(ROOT / "codebooks" / "cluster-upgrading.yaml"), "--db", project)[0] == 0
    assert run("code", "--method", "rules", "--db", project)[0] == 0
    store = open_project(project)
    try:
        every = {d.id for d in store.documents.iter()}
        for source in ("suggested", "accepted"):
            assert trends(store, source=source, scope=every) == trends(store, source=source)
        some = set(sorted(every)[:20])
        scoped = trends(store, source="suggested", scope=some)
        years = {d.id: d.year for d in store.documents.iter(sorted(some))}
        assert sum(r.documents for r in scoped if r.code == scoped[0].code) == sum(1 for y in years.values() if y)
    finally:
        store.close()
    ids = sorted(every)
    for doc in ids[:5]:
        run("screen", "decide", str(doc), "include", "--coder", "alice", "--db", project)
    code, out = run("trends", "--source", "suggested", "--format", "json", "--db", project)
    assert code == 0 and f"Trends over the 5 included of {len(ids)} documents" in out
    rows = json.loads(out[out.index("[") :])
    assert sum(r["documents"] for r in rows if r["code"] == rows[0]["code"]) <= 5


def test_stopping_aid_estimate_from_replayed_decisions(project: str) -> None:
    from reviewkit.project import open_project
    from reviewkit.project.screening import decide
    from reviewkit.project.screening_rank import next_record, status

    store = open_project(project)
    try:
        for i in range(16):
            nxt = next_record(store, "alice")
            assert nxt is not None
            if i % 3 == 2:
                decide(store, nxt.document.id, "exclude", "alice", reason="wrong topic")
            else:
                decide(store, nxt.document.id, "include", "alice")
        st = status(store, "alice")
        assert st.screened == 16 and st.since_last_inclusion in (0, 1)
        left = st.estimated_relevant_left
        assert left is not None and 0 <= left <= st.total - st.screened
        assert status(store, "bob").estimated_relevant_left is None  # bob has decided nothing
    finally:
        store.close()


def test_rayyan_maybe_round_trip(project: str, tmp_path: Path) -> None:
    ids = sorted(_ids(project).values())
    run("screen", "decide", str(ids[0]), "maybe", "--coder", "alice", "--db", project)
    run("screen", "decide", str(ids[1]), "include", "--coder", "alice", "--db", project)
    out = tmp_path / "rayyan.ris"
    assert run("screen", "export", str(out), "--coder", "alice", "--db", project)[0] == 0
    assert out.read_text(encoding="utf-8").count('RAYYAN-INCLUSION: {"reviewkit"=>"Maybe"}') == 1
    code, text = run("screen", "import", str(out), "--reviewer", "bob", "--db", project)
    assert code == 0 and "bob: 1 included, 0 excluded, 1 maybe; 0 unmatched" in text
    bob = json.loads(run("screen", "status", "--coder", "bob", "--json", "--db", project)[1])
    assert (bob["included"], bob["maybe"]) == (1, 1)  # alice and bob agree: final maybe and include

"""Blinding as a fact of the project: `reviewkit blind start|end|status`, and every command that would show
a blind coder another coder's decisions refuses (one line, exit 1) unless a lead reviewer is named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.project import screening as scr
from reviewkit.project import state
from reviewkit.store import Store

ALICE = {"REVIEWKIT_CODER": "alice"}


def run(*args: str, coder: str = "alice") -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"REVIEWKIT_CODER": coder})
    return result.exit_code, result.output


@pytest.fixture
def db(review_project: tuple[Path, dict[str, Any]]) -> str:
    """The review fixture with alice's and bob's decisions on document 1 and screening decisions."""
    path, info = review_project
    cb = info["codebook_id"]
    store = Store.open(path)
    try:
        for pid in info["passages"][1]:
            store.codings.set(pid, "regionalism.collective_learning", "bob", "accepted", codebook_id=cb)
            store.codings.set(pid, "regionalism.collective_learning", "alice", "rejected", codebook_id=cb)
        state.mark_document(store, 1, "bob", codebook_id=cb)
        state.mark_document(store, 1, "alice", codebook_id=cb)
        docs = info["documents"]
        scr.decide(store, docs[0], "include", "alice")
        scr.decide(store, docs[0], "exclude", "bob", reason="wrong topic")
    finally:
        store.close()
    return str(path)


# (command, what the refusal names); each is run blind as alice, then with --lead carol
GATED = [
    (["agreement"], "agreement figures"),
    (["agreement", "--stage", "screening"], "agreement figures"),
    (["disagreements"], "the disagreements"),
    (["export", "csv-wide", "{tmp}/wide.csv"], "the csv-wide export"),
    (["export", "csv-long", "{tmp}/long.csv"], "the csv-long export"),
    (["trends", "--source", "consensus"], "trends from source consensus"),
    (["trends", "--source", "any"], "trends from source any"),
    (["trends", "--source", "coder:bob"], "trends from source coder:bob"),
    (["progress", "--coder", "bob"], "the progress of other coders"),
    (["screen", "conflicts"], "the screening conflicts"),
    (["screen", "status"], "the screening status of every reviewer"),
    (["screen", "export", "{tmp}/final.csv"], "other reviewers' screening decisions"),
    (["cooccurrence", "--source", "any"], "co-occurrence from source any"),
]


@pytest.mark.parametrize(("args", "what"), GATED, ids=[" ".join(a[:2]) for a, _ in GATED])
def test_blind_coder_is_refused_and_a_lead_is_not(db: str, tmp_path: Path, args: list[str], what: str) -> None:
    argv = [a.format(tmp=tmp_path) for a in args]

    def clean() -> None:
        for f in tmp_path.glob("*.csv"):
            f.unlink()

    code, out = run(*argv, "--db", db)
    assert code == 0, out  # not blind yet: allowed
    clean()
    assert run("blind", "start", "--coders", "alice,bob", "--db", db, coder="carol")[0] == 0
    code, out = run(*argv, "--db", db)
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: The project is blind since ")
    assert what in lines[0] and "--lead NAME" in lines[0] and "Traceback" not in out
    if "coder:bob" not in argv:
        assert "bob" not in out  # nothing of bob's leaks
    assert not list(tmp_path.glob("*.csv"))  # nothing written
    code, out = run(*argv, "--lead", "carol", "--db", db)
    assert code == 0, out
    clean()
    code, out = run(*argv, "--lead", "bob", "--db", db)  # a blinded coder cannot be the lead
    assert code == 1 and "bob is one of the blinded coders" in out
    code, out = run(*argv, "--db", db, coder="dave")  # dave is not blinded
    assert code == 0, out


def test_own_views_stay_open_to_a_blind_coder(db: str) -> None:
    assert run("blind", "start", "--db", db, coder="carol")[0] == 0  # every coder
    result = CliRunner().invoke(cli, ["trends", "--all", "--format", "json", "--db", db], env=ALICE)
    assert result.exit_code == 0 and "from your own decisions (source coder:alice)" in result.stderr
    rows = json.loads(result.stdout)
    assert rows and {r["source"] for r in rows} == {"coder:alice"}
    assert run("trends", "--source", "suggested", "--db", db)[0] == 0
    assert run("trends", "--source", "coder:alice", "--db", db)[0] == 0
    result = CliRunner().invoke(cli, ["progress", "--json", "--db", db], env=ALICE)
    assert result.exit_code == 0 and [r["coder"] for r in json.loads(result.stdout)] == ["alice"]
    assert "your own progress only" in result.stderr


def test_start_end_status_are_recorded_and_audited(db: str) -> None:
    code, out = run("blind", "start", "--coders", "alice,bob", "--db", db, coder="carol")
    assert code == 0 and "for alice, bob (started by carol)" in out
    code, out = run("blind", "start", "--db", db, coder="carol")
    assert code == 1 and "already on" in out
    status = json.loads(run("blind", "status", "--json", "--db", db)[1])
    assert status["blind"] is True and status["periods"][0]["coders"] == ["alice", "bob"]
    assert status["periods"][0]["started_by"] == "carol" and status["periods"][0]["ended_at"] is None
    code, out = run("blind", "end", "--lead", "alice", "--db", db)
    assert code == 1 and "alice is one of the blinded coders" in out
    code, out = run("blind", "end", "--lead", "carol", "--db", db)
    assert code == 0 and "ended" in out and "by carol" in out
    assert run("agreement", "--db", db)[0] == 0  # unblinded
    status = json.loads(run("blind", "status", "--json", "--db", db)[1])
    assert status["blind"] is False and status["periods"][0]["ended_by"] == "carol"
    assert run("blind", "end", "--lead", "carol", "--db", db)[0] == 1  # nothing to end
    store = Store.open(db)
    try:
        audit = [a for a in store.audit.log(limit=1000) if a.action == "blind"]
        assert [a.coder for a in audit] == ["carol", "carol"]  # end (newest first), start
        assert audit[0].after is not None and audit[0].after["value"][0]["ended_by"] == "carol"
        assert store.audit.undo("carol") is None  # blinding is not a coding step: u does not undo it
    finally:
        store.close()


def test_review_opens_blind_for_the_listed_coders(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewkit.tui import app as tui_app

    opened: dict[str, bool] = {}

    class Fake:
        def run(self) -> None:
            pass

    def fake_make_app(store: Store, coder: str, **kw: Any) -> Fake:
        opened[coder] = kw["blind"]
        return Fake()

    monkeypatch.setattr(tui_app, "make_app", fake_make_app)
    assert run("blind", "start", "--coders", "alice", "--db", db, coder="carol")[0] == 0
    for coder in ("alice", "bob"):
        result = CliRunner().invoke(cli, ["review", "--coder", coder, "--db", db])
        assert result.exit_code == 0, result.output
    assert opened == {"alice": True, "bob": False}
    assert "alice reviews blind" in CliRunner().invoke(
        cli, ["review", "--coder", "alice", "--db", db]
    ).stderr


def test_memo_list_shows_a_blind_coder_only_their_own(db: str) -> None:
    assert run("memo", "add", "--on", "project", "bob thinks trust is over-coded", "--db", db, coder="bob")[0] == 0
    assert run("memo", "add", "--on", "project", "alice's own note", "--db", db)[0] == 0
    assert run("blind", "start", "--coders", "alice,bob", "--db", db, coder="carol")[0] == 0
    result = CliRunner().invoke(cli, ["memo", "list", "--json", "--db", db], env=ALICE)
    assert result.exit_code == 0 and [m["coder"] for m in json.loads(result.stdout)] == ["alice"]
    assert "your own memos only" in result.stderr
    code, out = run("memo", "list", "--coder", "bob", "--db", db)
    assert code == 1 and "other coders' memos" in out and "over-coded" not in out
    code, out = run("memo", "list", "--json", "--lead", "carol", "--db", db)
    assert code == 0 and {m["coder"] for m in json.loads(out)} == {"alice", "bob"}

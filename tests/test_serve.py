"""`reviewkit serve`: the review app in headless Chromium writes the project file; the guards around it."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from _browser import Browser, browser_missing, free_port, serve_env, served, wait_for
from _review_fixtures import build_project
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.cli.serve import is_loopback, public_url_for, review_command
from reviewkit.store import Store


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "project.db"
    return path, build_project(path)


@pytest.fixture
def browser() -> Iterator[Browser]:
    if reason := browser_missing():
        pytest.skip(f"browser test skipped: {reason}")
    b = Browser(width=1280, height=800)
    try:
        yield b
    finally:
        b.close()


def codings(db: Path) -> list[tuple[int, str, str, str]]:
    store = Store.open(db, create=False)
    try:
        return [tuple(r) for r in store.db.execute("SELECT passage_id, code_id, coder, status FROM codings")]
    finally:
        store.close()


def _wait_quiet(browser: Browser, quiet: float = 1.0, timeout: float = 15.0) -> None:
    """Wait until the app has sent nothing new for `quiet` seconds (its workers are done drawing)."""
    end = time.monotonic() + timeout
    size, since = len(browser.raw()), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.1)
        now = len(browser.raw())
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


@pytest.mark.slow
def test_accept_in_the_browser_lands_in_the_project_with_its_audit_row(
    project: tuple[Path, dict[str, Any]], browser: Browser, tmp_path: Path
) -> None:
    db, info = project
    port = free_port()
    with served(db, port, "--coder", "alice", log=tmp_path / "serve.log"):
        browser.open(f"http://127.0.0.1:{port}/")
        browser.wait_drawn("Storper, Michael", timeout=20)  # the documents table, first row
        assert codings(db) == []
        mark = len(browser.raw())
        browser.press("\n")  # open the first document (2003, Storper)
        browser.wait_drawn("decide→next", timeout=10, since=mark)  # the review footer (a/r, then the next code)
        browser.wait_drawn("regionalism.collective_learning", timeout=10, since=mark)
        _wait_quiet(browser)  # the Review screen loads in a worker: press once it has drawn its data
        browser.press("a")
        rows = wait_for(lambda: codings(db), timeout=15, what="the decision in the project file")
        first_passage = info["passages"][info["documents"][0]][0]
        assert rows == [(first_passage, "regionalism.collective_learning", "alice", "accepted")]
        store = Store.open(db, create=False)
        try:
            audit = store.audit.log("alice")
        finally:
            store.close()
        assert [a.action for a in audit] == ["decide"]
        assert (
            audit[0].after is not None and audit[0].after["status"] == "accepted" and audit[0].before is None
        )


def test_serve_refuses_a_missing_project(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = CliRunner().invoke(cli, ["serve", "--db", str(missing)])
    assert result.exit_code == 1
    assert f"{missing} does not exist" in result.output and "reviewkit init" in result.output
    assert not missing.exists()


def test_serve_refuses_a_file_that_is_not_a_project(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--db", str(notes)])
    assert result.exit_code == 1 and "not a reviewkit project" in result.output


def test_serve_without_textual_serve_says_how_to_install_it(project: tuple[Path, dict[str, Any]]) -> None:
    code = (
        "import sys\nsys.modules['textual_serve'] = None\nfrom reviewkit.cli import main\n"
        f"sys.argv = ['reviewkit', 'serve', '--db', {str(project[0])!r}]\nmain()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=serve_env(), timeout=60
    )
    assert out.returncode == 1, out.stderr
    assert "textual-serve" in out.stderr and "pip install 'reviewkit[serve]'" in out.stderr
    assert "Traceback" not in out.stderr


def test_another_interface_warns_that_there_is_no_login(project: tuple[Path, dict[str, Any]]) -> None:
    """The warning comes before binding; the port is taken here, so the server never listens."""
    pytest.importorskip("textual_serve", reason="textual-serve is not installed (the serve extra)")
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "reviewkit", "serve", "--db", str(project[0]), "--host", "0.0.0.0",
             "--port", str(port)],
            capture_output=True, text=True, env=serve_env(), timeout=60,
        )  # fmt: skip
    assert "NO LOGIN" in out.stderr and "ssh -L" in out.stderr and "reverse proxy" in out.stderr
    assert out.returncode == 1 and f"cannot listen on 0.0.0.0:{port}" in out.stderr
    assert "Traceback" not in out.stderr


def test_loopback_hosts_are_recognised() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", "192.168.1.5", "example.org"))


def test_the_page_connects_back_to_an_address_browsers_can_reach() -> None:
    assert public_url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url_for("::1", 8080) == "http://[::1]:8080"
    assert public_url_for("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"  # not 0.0.0.0


def test_the_served_command_survives_awkward_paths(tmp_path: Path) -> None:
    db = tmp_path / "team's project $HOME; rm -rf x" / "评审.db"
    argv = shlex.split(review_command(db, "o'brien zhang", blind=True))
    assert argv == [sys.executable, "-m", "reviewkit", "review", "--db", str(db.resolve()),
                    "--coder", "o'brien zhang", "--blind"]  # fmt: skip


def test_the_served_command_passes_no_advance(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert shlex.split(review_command(db, "alice", advance=False))[-1] == "--no-advance"
    assert "--no-advance" not in shlex.split(review_command(db, "alice"))

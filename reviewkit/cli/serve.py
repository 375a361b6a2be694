"""Provides the `serve` command: the review app in a web browser, through textual-serve.

textual-serve runs one `reviewkit review` process per browser session and relays its terminal to
xterm.js in the page, so the browser shows the very same app, writing to the same project file
with the same audit trail as `reviewkit review` in a terminal.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from pathlib import Path

import click

from reviewkit.cli.app import cli, db_option, default_coder
from reviewkit.errors import MissingExtraError

WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine's loopback interface only (nobody else can connect)."""
    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def review_command(
    db: Path, coder: str, *, blind: bool = False, hide_scores: bool = False, advance: bool = True
) -> str:
    """The shell command textual-serve starts for each browser session (paths quoted with shlex).

    Args:
        db: the project file (made absolute, so the server's working directory does not matter).
        coder: who reviews; every decision and audit row carries this name.
        blind: hide other coders' decisions.
        hide_scores: hide the tagger's scores as well.
        advance: after a/r move to the next code (False adds ``--no-advance``).
    """
    argv = [sys.executable, "-m", "reviewkit", "review", "--db", str(db.resolve()), "--coder", coder]
    argv += ["--blind"] * blind + ["--hide-scores"] * hide_scores + ["--no-advance"] * (not advance)
    return shlex.join(argv)


def public_url_for(host: str, port: int) -> str:
    """The address the page tells the browser to connect back to (its websocket URL derives from it)."""
    name = socket.gethostname() if host in WILDCARD_HOSTS else host
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 literal
    return f"http://{name}:{port}"


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but localhost is open to the network, with no login.")  # fmt: skip
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.option(
    "--coder", default=default_coder, show_default="$REVIEWKIT_CODER or login name", help="Who is reviewing."
)
@click.option("--blind", is_flag=True, help="Hide other coders' decisions (independent double coding).")
@click.option("--hide-scores", is_flag=True, help="Hide the tagger's scores as well (judge the text alone).")
@click.option("--no-advance", "no_advance", is_flag=True, help="After a/r stay on the code just decided.")
@click.option("--public-url", help="Address browsers use to reach the server (behind a tunnel or proxy); "
              "default http://HOST:PORT.")  # fmt: skip
def serve(
    db_path: str,
    host: str,
    port: int,
    coder: str,
    blind: bool,
    hide_scores: bool,
    no_advance: bool,
    public_url: str | None,
) -> None:
    """Serve the review app in a web browser (the same app and keys as `reviewkit review`).

    Each browser tab runs its own `reviewkit review --db DB --coder CODER`; every decision is saved
    at once in the project file, with its audit row, as in the terminal. There is no login: the
    server listens on localhost only unless --host says otherwise. To review on a remote machine,
    tunnel the port over SSH, or put a reverse proxy with authentication in front.
    Needs the `serve` extra: pip install 'reviewkit[serve]'.

    Example:

    \b
        reviewkit serve                          # then open http://127.0.0.1:8000
        reviewkit serve --db team.db --coder alice --port 8080
        ssh -L 8000:localhost:8000 server        # from your laptop, with serve running on server
    """
    db = Path(db_path)
    if not db.is_file():
        what = "is a directory, not a project file" if db.is_dir() else "does not exist"
        raise click.ClickException(
            f"{db_path} {what}. Create a project with `reviewkit init --db {db_path}` "
            "or choose another with --db / REVIEWKIT_DB."
        )
    from reviewkit.project import open_project

    open_project(db, create=False).close()  # refuse a file that is not a reviewkit project, now
    try:
        from textual_serve.server import Server
    except ImportError as exc:
        raise MissingExtraError("serve", "textual-serve") from exc

    if not is_loopback(host):
        click.echo(
            f"Warning: serving on {host or 'every interface'}:{port} with NO LOGIN: anyone who can reach "
            "this port can read the project and record decisions as "
            f"{coder!r}. Prefer the default --host 127.0.0.1 with an SSH tunnel "
            f"(ssh -L {port}:localhost:{port} THIS-MACHINE), or a reverse proxy with authentication.",
            err=True,
        )
    server = Server(
        review_command(db, coder, blind=blind, hide_scores=hide_scores, advance=not no_advance),
        host=host,
        port=port,
        title=f"reviewkit review: {db.name} ({coder})",
        public_url=public_url or public_url_for(host, port),
    )
    try:
        server.serve()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc

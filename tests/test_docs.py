"""Every command is documented: --help with an example, and a mention in README.md."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reviewkit.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        out.append((full, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, full + " ")
    return out


COMMANDS = _commands(cli)


def test_there_are_commands() -> None:
    names = {n for n, _ in COMMANDS}
    assert {"init", "import", "docs list", "docs show", "search", "stats", "dedupe"} <= names


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_with_example(name: str, cmd: click.Command) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert (cmd.help or "").strip(), f"`reviewkit {name}` has no help text"
    assert "Example:" in result.output, f"`reviewkit {name} --help` shows no example"


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_command_in_readme(name: str) -> None:
    assert f"reviewkit {name}" in README, f"`reviewkit {name}` is not documented in README.md"


def test_version() -> None:
    from reviewkit import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_readme_keys_paragraph_names_every_key_of_the_review_app() -> None:
    """Every key the app and its screens declare is named (in backticks) in the README's keys paragraphs."""
    from textual.app import App
    from textual.binding import Binding

    from reviewkit.tui.app import SCREENS_BY_MODE, ReviewApp
    from reviewkit.tui.screens.review import ReviewScreen

    section = README[README.index("**Keys of the review app.**") : README.index("**Blind double coding.**")]
    named = {k.lower() for k in re.findall(r"`([^`\s]+)`", section)}
    for low, high in re.findall(r"`(\d)`–`(\d)`", section):  # `1`–`6`
        named |= {str(d) for d in range(int(low), int(high) + 1)}
    app = ReviewApp.__new__(ReviewApp)  # get_key_display needs no running app
    missing = []
    for cls in [ReviewApp, ReviewScreen, *SCREENS_BY_MODE.values()]:
        for declared in cls.__dict__.get("BINDINGS", []):
            binding = declared if isinstance(declared, Binding) else Binding(*declared)
            for key in binding.key.split(","):
                shown = App.get_key_display(app, Binding(key, ""))
                if key.lower() not in named and shown.lower() not in named:
                    missing.append(f"{cls.__name__}: {key} ({binding.description})")
    assert not missing, "README keys paragraph misses: " + "; ".join(missing)

"""Provides reviewkit's own command-palette commands: screens, switch coder, jump to code, exports, help.

`app_commands(app)` yields Textual `SystemCommand`s; `ReviewApp.get_system_commands` adds them to
the palette (ctrl+p). Each callback does what a key does, or asks first in a dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.worker import get_current_worker

from reviewkit.errors import ReviewkitError
from reviewkit.tui.text_prompt import TextPrompt

if TYPE_CHECKING:
    from reviewkit.tui.app import ReviewApp

SCREEN_COMMANDS = (
    ("documents", "Documents", "Every document, search and filters (key 1)"),
    ("queue", "Queue", "Undecided suggestions, most uncertain first (key 2)"),
    ("codebook", "Codebook", "The codes with definitions and counts (key 3)"),
    ("trends", "Trends", "Share of reviewed documents per year for each code (key 4)"),
    ("disagreements", "Disagreements", "Where coders differ; record the final decision (key 5)"),
    ("progress", "Progress", "Documents and passages reviewed, decisions, time spent per coder (key P)"),
)
"""(mode, palette title, help) of the screens the palette switches to (Screening has its own entry)."""

EXPORT_SUFFIX = {"csv-long": ".csv", "csv-wide": ".csv", "jsonl": ".jsonl", "qdpx": ".qdpx", "ris": ".ris",
                 "trends": ".csv", "report": ".md", "memos": ".csv"}  # fmt: skip
"""The file suffix each export format suggests."""

BLIND_REFUSAL = "Not available with --blind: it would show or write other coders' decisions."


def app_commands(app: ReviewApp) -> Iterator[SystemCommand]:
    """The reviewkit commands for the palette (the screens a blind coder may not open are left out)."""
    for mode, title, help_text in SCREEN_COMMANDS:
        if app.has_mode_screen(mode):
            yield SystemCommand(title, help_text, lambda mode=mode: app.switch_mode(mode))
    yield SystemCommand("Keys (help)", "Every key of this screen and the app's global keys (? or F1)", app.action_help)
    yield SystemCommand("Switch coder", "Record decisions under another coder's name", lambda: switch_coder(app))
    yield SystemCommand("Jump to code", "Open the Codebook at a code (fuzzy search)", lambda: jump_to_code(app))
    for fmt in export_formats():
        yield SystemCommand(
            f"Export {fmt}",
            f"Write the {fmt} export to a file you choose, in the background (as `reviewkit export {fmt}`)",
            lambda fmt=fmt: ask_export(app, fmt),
        )


def export_formats() -> list[str]:
    """The export formats offered in the palette (the registered ones)."""
    from reviewkit.project.exports import formats

    return [f for f in formats() if f in EXPORT_SUFFIX]


# ------------------------------------------------------------------ switch coder
def switch_coder(app: ReviewApp) -> None:
    """Ask for a coder name and record from then on under it (refused in blind mode)."""
    if app.session.blind:
        app.notify(BLIND_REFUSAL, severity="error", title="Switch coder")
        return

    def chosen(name: str | None) -> None:
        if name:
            app.run_worker(set_coder(app, name), group="switch-coder", exclusive=True)

    app.push_screen(TextPrompt("Switch to coder", app.session.coder, placeholder="a coder's name"), chosen)


async def set_coder(app: ReviewApp, name: str) -> None:
    """Make `name` the session's coder and rebuild the screens that show the coder's view."""
    from reviewkit.tui.app import SCREENS_BY_MODE

    old = app.session.coder
    if name == old:
        app.notify(f"Already coding as {name}.")
        return
    if app.session.blind:
        app.notify(BLIND_REFUSAL, severity="error", title="Switch coder")
        return
    app.session.coder = name
    app.sub_title = app.sub_title.replace(f"coder {old}", f"coder {name}", 1)
    current = app.current_mode
    for mode, screen in SCREENS_BY_MODE.items():
        if mode != current and app.has_mode_screen(mode):
            await app.remove_mode(mode)
            app.add_mode(mode, lambda screen=screen: screen(app.session))  # type: ignore[misc]
    for shown in app.screen_stack:
        reload = getattr(shown, "reload", None)
        if callable(reload) and shown.is_mounted:
            reload()
    app.notify(f"Coding as {name} now (was {old}).", title="Switch coder")


# ------------------------------------------------------------------ jump to code
def jump_to_code(app: ReviewApp) -> None:
    """Pick a code (fuzzy, groups too) and open the Codebook screen at it."""
    from reviewkit.tui.dialogs import CodePicker
    from reviewkit.tui.screens.review import leaf_choices

    def chosen(code_id: str | None) -> None:
        if code_id:
            app.run_worker(show_code(app, code_id), group="jump-to-code", exclusive=True)

    app.push_screen(CodePicker(leaf_choices(app.session, groups=True), title="Jump to code"), chosen)


async def show_code(app: ReviewApp, code_id: str) -> None:
    """Switch to the Codebook screen and put the cursor on `code_id`."""
    from reviewkit.tui.widgets.code_tree import CodeTree

    await app.switch_mode("codebook")
    if not app.screen.query_one(CodeTree).select_code(code_id):
        app.notify(f"No code {code_id} in this codebook.", severity="warning")


# ------------------------------------------------------------------------ export
def default_export_path(app: ReviewApp, fmt: str) -> str:
    """``<project dir>/<project stem>-<fmt><suffix>`` (the current directory for an in-memory project)."""
    db = app.session.store.path
    base = Path(db) if db != ":memory:" else Path.cwd() / "reviewkit"
    return str(base.with_name(f"{base.stem}-{fmt}{EXPORT_SUFFIX.get(fmt, '.csv')}"))


def ask_export(app: ReviewApp, fmt: str) -> None:
    """Ask for the file, then export in a worker (refused in blind mode: exports carry every coder)."""
    if app.session.blind:
        app.notify(BLIND_REFUSAL, severity="error", title=f"Export {fmt}")
        return

    def chosen(path: str | None) -> None:
        if path:
            app.notify(f"Exporting {fmt} to {path}…", title="Export")
            app.run_worker(lambda: run_export(app, fmt, path), thread=True, group="export", name=f"export {fmt}")

    app.push_screen(TextPrompt(f"Export {fmt} to the file", default_export_path(app, fmt)), chosen)


def run_export(app: ReviewApp, fmt: str, path: str) -> None:
    """Export on a connection of the worker's own (the UI's stays free), then notify the result."""
    from reviewkit.project import open_project
    from reviewkit.project.exports import export

    db = app.session.store.path
    try:
        if db == ":memory:":
            with app.session.read() as store:
                result = export(store, fmt, Path(path).expanduser())
        else:
            store = open_project(db)
            try:
                result = export(store, fmt, Path(path).expanduser())
            finally:
                store.close()
    except ReviewkitError as exc:
        app.call_from_thread(app.notify, str(exc), severity="error", title=f"Export {fmt} failed")
        return
    if get_current_worker().is_cancelled:
        return
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if isinstance(v, int))
    notes = "".join(f"\n{w}" for w in result.warnings)
    app.call_from_thread(
        app.notify, f"Wrote {result.path} ({result.view}{'; ' + counts if counts else ''}).{notes}", title="Export"
    )

"""Provides `HelpScreen` (`?`/F1): every key of the current screen and the app's global keys.

The list is generated from the bindings the screen and the app declare (`BINDINGS`), so it cannot
drift from what the keys do; a binding the screen switches off (`check_action` returns False, e.g.
the Disagreements key in blind mode or the a/r variant not in use) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


@dataclass(frozen=True)
class KeyRow:
    """One line of the help: the keys of one action and what it does."""

    keys: tuple[str, ...]
    """Key names as declared (``"j"``, ``"down"``)."""
    shown: str
    """The keys as the help prints them (``"j ↓"``)."""
    description: str
    """What the action does (the binding's tooltip, else its description)."""


def declared_bindings(node: DOMNode) -> list[Binding]:
    """The bindings `node` declares (one `Binding` per key): its own class first, then what its bases add.

    As in Textual, a class that binds a key replaces its bases' bindings of that key.
    """
    merged: dict[str, list[Binding]] = {}
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if not declared:
            continue
        here: dict[str, list[Binding]] = {}
        for binding in Binding.make_bindings(declared):
            here.setdefault(binding.key, []).append(binding)
        for key, bindings in here.items():
            merged.setdefault(key, bindings)
    return [binding for bindings in merged.values() for binding in bindings]


def binding_enabled(app: App[Any], node: DOMNode, binding: Binding) -> bool:
    """Whether the binding's action is available now (its node's `check_action` does not say False)."""
    target, name, params = parse(binding.action)
    owner: DOMNode = app if target == "app" or node is app else node
    return owner.check_action(name, params) is not False


def key_rows(app: App[Any], node: DOMNode) -> list[KeyRow]:
    """The help lines of one screen or of the app: one per action, its keys joined, in declared order.

    System bindings (Textual's ctrl+c hint) and bindings switched off by `check_action` are left out.
    """
    rows: dict[tuple[str, str], list[Binding]] = {}
    for binding in declared_bindings(node):
        if binding.system or not binding_enabled(app, node, binding):
            continue
        description = binding.tooltip or binding.description or binding.action
        rows.setdefault((binding.action, description), []).append(binding)
    out = []
    for (_action, description), bindings in rows.items():
        keys = tuple(dict.fromkeys(b.key for b in bindings))
        shown = " ".join(app.get_key_display(Binding(k, "")) for k in keys)
        out.append(KeyRow(keys, shown, description))
    return out


def app_rows(app: App[Any]) -> list[KeyRow]:
    """The app's global keys, with the command palette's key."""
    rows = key_rows(app, app)
    if app.ENABLE_COMMAND_PALETTE:
        key = app.COMMAND_PALETTE_BINDING
        rows.append(KeyRow((key,), app.get_key_display(Binding(key, "")), "command palette: every command"))
    return rows


def screen_title(node: DOMNode) -> str:
    """``ReviewScreen`` -> "Review"."""
    name = type(node).__name__
    return name[: -len("Screen")] if name.endswith("Screen") and name != "Screen" else name


def help_table(title: str, rows: list[KeyRow]) -> Table:
    """A two-column table (keys, what they do) under a title."""
    table = Table(title=title, title_justify="left", show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column("keys", style="bold", no_wrap=True, min_width=10)
    table.add_column("what", ratio=1)
    for row in rows:
        table.add_row(row.shown, row.description)
    return table


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below and the app's global keys; Escape, q, ? or F1 closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "close", key_display="esc"),
        Binding("j,down", "scroll(1)", "scroll", show=False),
        Binding("k,up", "scroll(-1)", "scroll up", show=False),
    ]

    def __init__(self, under: DOMNode, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.under = under
        self.screen_rows = key_rows(self.app, under)
        self.global_rows = app_rows(self.app)

    def compose(self) -> ComposeResult:
        summary = (type(self.under).__doc__ or "").strip().splitlines()[0] if type(self.under).__doc__ else ""
        with Vertical(id="help"):
            yield Static(
                Text.assemble(("Keys", "bold"), f" · {screen_title(self.under)} screen — {summary}"),
                id="help-title",
            )
            with VerticalScroll(id="help-body"):
                yield Static(help_table(f"{screen_title(self.under)} screen", self.screen_rows), id="help-screen")
                yield Static(help_table("Everywhere", self.global_rows), id="help-global")
            yield Static("esc, q, ? or F1 closes this help", id="help-close")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)

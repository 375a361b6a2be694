"""Provides `CodeTree`: the codebook as a tree, each code with its suggested/accepted/rejected counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reviewkit.records import CodeRecord


def counts_label(row: CodeRecord, counts: dict[str, int] | None) -> Text:
    """The node label: id, English label, and the counts when known."""
    text = Text(row.code_id, style="bold")
    text.append(f"  {row.label}", style="")
    if counts is not None:
        text.append(
            f"  {counts.get('suggested', 0)} sugg · {counts.get('accepted', 0)} ✓ · {counts.get('rejected', 0)} ✗",
            style="dim",
        )
    return text


class CodeTree(Tree[CodeRecord]):
    """Groups and their codes; highlighting a node announces the code, Enter selects it (its Code view)."""

    BINDINGS = [Binding("enter", "select_cursor", "passages of code")]

    @dataclass
    class CodeHighlighted(Message):
        """The cursor moved to a code."""

        code: CodeRecord

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("codebook", **kwargs)
        self.show_root = False
        self.rows: list[CodeRecord] = []

    def show(self, rows: list[CodeRecord], counts: dict[str, dict[str, int]] | None = None) -> None:
        """Build the tree from the ``codes`` rows (parents before children) with optional counts."""
        self.rows = rows
        self.clear()
        nodes: dict[str | None, TreeNode[CodeRecord]] = {}
        for row in rows:
            parent = nodes.get(row.parent, self.root)
            total = _sum(rows, row.code_id, counts) if counts is not None else None
            label = counts_label(row, total)
            if any(r.parent == row.code_id for r in rows):
                nodes[row.code_id] = parent.add(label, data=row, expand=True)
            else:
                parent.add_leaf(label, data=row)
        self.move_cursor_to_line(0)

    def select_code(self, code_id: str) -> bool:
        """Put the cursor on `code_id` (unfolding its group); False when the tree has no such code."""
        todo = list(self.root.children)
        while todo:
            node = todo.pop(0)
            if node.data is not None and node.data.code_id == code_id:
                if node.parent is not None:
                    node.parent.expand()
                self.move_cursor(node)
                self.scroll_to_node(node, animate=False)
                return True
            todo.extend(node.children)
        return False

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeRecord]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CodeHighlighted(event.node.data))


def _sum(rows: list[CodeRecord], code_id: str, counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """Counts of a code, or of all its descendants for a group."""
    ids = [r.code_id for r in rows if r.code_id == code_id or r.code_id.startswith(code_id + ".")]
    total = {"suggested": 0, "accepted": 0, "rejected": 0}
    for i in ids:
        for k in total:
            total[k] += counts.get(i, {}).get(k, 0)
    return total

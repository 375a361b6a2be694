"""Provides the guard against YAML alias bombs ("billion laughs") and recursive aliases in codebook files."""

from __future__ import annotations

import yaml

from reviewkit.errors import CodebookError

ALIAS_EXPANSION_LIMIT = 10_000
"""Most nodes YAML aliases may add once expanded: far above any real codebook, far below an alias bomb."""


def _node_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_aliases(node: yaml.Node, path: str, limit: int = ALIAS_EXPANSION_LIMIT) -> None:
    """Refuse a YAML alias bomb ("billion laughs") or a recursive alias before anything is built from it.

    The node graph keeps one node per anchor, so it is small even when its expansion is huge; this
    walks it once (iteratively) and counts how many nodes the aliases would add.

    Args:
        node: the composed document.
        path: the file, for messages.
        limit: most nodes the aliases may add.

    Raises:
        CodebookError: an alias refers to its own anchor, or aliases expand beyond `limit`.
    """
    expanded: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        key = id(current)
        kids = _node_children(current)
        if done:
            open_nodes.discard(key)
            expanded[key] = 1 + sum(expanded[id(k)] for k in kids)
            continue
        if key in expanded:
            continue
        open_nodes.add(key)
        stack.append((current, True))
        for kid in kids:
            if id(kid) in open_nodes:
                line = kid.start_mark.line + 1
                raise CodebookError(
                    path,
                    [
                        (
                            f"line {line}",
                            "a YAML alias refers to its own anchor (a recursive structure); refused",
                        )
                    ],
                )
            if id(kid) not in expanded:
                stack.append((kid, False))
    extra = expanded[id(node)] - len(expanded)
    if extra > limit:
        raise CodebookError(
            path,
            [
                (
                    "(file)",
                    f"YAML aliases (*name) would expand to {extra:,} more nodes than the file holds "
                    f"(the limit is {limit:,}): an alias bomb? Refused; write the values out instead",
                )
            ],
        )


__all__ = ["ALIAS_EXPANSION_LIMIT", "check_aliases"]

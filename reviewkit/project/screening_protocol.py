"""Provides the screening protocol service: read a protocol YAML file, validate it, store it, read it back.

A protocol file is a YAML mapping with two keys (see docs/protocol-example.yaml)::

    criteria: |
      Include empirical studies of industrial clusters ...
    reasons:
      - wrong topic
      - wrong study type

``criteria`` (required) is the inclusion criteria in prose: the ranker's cold start reads it, and
the Screening screen highlights its terms. ``reasons`` (optional) are the exclusion reasons a
screener picks from; without them the `DEFAULT_REASONS` apply. Every problem is reported at once,
each with its place and line, like the codebook loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from reviewkit.codebook.yaml_guard import check_aliases
from reviewkit.errors import CodebookError, ReviewkitError

if TYPE_CHECKING:
    from reviewkit.store import Store

DEFAULT_REASONS = (
    "wrong topic",
    "wrong population/setting",
    "wrong study type",
    "not a research article",
    "language",
    "duplicate missed",
)
"""The exclusion reasons used when no protocol is loaded (or it lists none)."""

_KEYS = ("criteria", "reasons")


class ProtocolError(ReviewkitError):
    """A protocol file is invalid; `problems` lists every (where, reason), reasons ending with their line."""

    def __init__(self, path: str, problems: list[tuple[str, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = [f"{path}: {len(problems)} problem(s)"] + [f"  {w}: {r}" for w, r in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Protocol:
    """The protocol in force: criteria text and exclusion reasons (defaults when none was loaded)."""

    criteria: str
    """The inclusion criteria in prose ("" when none was loaded)."""
    reasons: tuple[str, ...]
    """The exclusion reasons a screener picks from."""
    loaded: bool
    """Whether a protocol file was loaded into the project (False: defaults)."""


def parse_protocol(text: str, path: str = "(text)") -> tuple[str, tuple[str, ...]]:
    """Parse and validate the text of a protocol file.

    Args:
        text: the YAML text.
        path: the file, for messages.

    Returns:
        (criteria, reasons); reasons are `DEFAULT_REASONS` when the file lists none.

    Raises:
        ProtocolError: not YAML, not a mapping, a missing or empty criteria, bad reasons, unknown keys.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            check_aliases(node, path)
        data: Any = yaml.safe_load(text)
    except CodebookError as exc:
        raise ProtocolError(path, exc.problems) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"
        raise ProtocolError(
            path, [(where, f"not valid YAML: {getattr(exc, 'problem', None) or exc}")]
        ) from exc
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        raise ProtocolError(path, [("(file)", "expected a mapping with the keys criteria and reasons")])
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    items = {str(k.value): v for k, v in node.value}
    problems: list[tuple[str, str]] = []
    for key in data:
        if str(key) not in _KEYS:
            problems.append(
                (str(key), f"unknown key (line {lines.get(str(key))}); use one of: {', '.join(_KEYS)}")
            )
    criteria = data.get("criteria")
    if not isinstance(criteria, str) or not criteria.strip():
        where = f" (line {lines['criteria']})" if "criteria" in lines else ""
        problems.append(("criteria", f"expected the inclusion criteria as non-empty text{where}"))
    reasons_raw = data.get("reasons")
    reasons: list[str] = []
    if reasons_raw is not None:
        if not isinstance(reasons_raw, list):
            problems.append(("reasons", f"expected a list of reasons (line {lines['reasons']})"))
        else:
            seq = items["reasons"].value
            for i, (item, item_node) in enumerate(zip(reasons_raw, seq, strict=True)):
                line = item_node.start_mark.line + 1
                if not isinstance(item, str) or not item.strip():
                    problems.append(
                        (f"reasons[{i}]", f"expected a non-empty text, got {item!r} (line {line})")
                    )
                elif item.strip() in reasons:
                    problems.append((f"reasons[{i}]", f"duplicate reason {item.strip()!r} (line {line})"))
                else:
                    reasons.append(item.strip())
    if problems:
        raise ProtocolError(path, problems)
    return str(criteria).strip(), tuple(reasons) or DEFAULT_REASONS


def load_protocol(store: Store, path: str | Path) -> Protocol:
    """Read a protocol file, validate it and store it in the project (the file's text is kept).

    Raises:
        ProtocolError: the file is missing, unreadable or invalid.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(
            str(p), [("(file)", f"cannot be read: {getattr(exc, 'strerror', None) or exc}")]
        ) from exc
    criteria, reasons = parse_protocol(text, str(p))
    store.screening.set_protocol(criteria, reasons, text)
    return Protocol(criteria, reasons, True)


def protocol(store: Store) -> Protocol:
    """The protocol in force: the one loaded, else no criteria and `DEFAULT_REASONS`."""
    found = store.screening.protocol()
    if found is None:
        return Protocol("", DEFAULT_REASONS, False)
    return Protocol(found.criteria, found.reasons or DEFAULT_REASONS, True)

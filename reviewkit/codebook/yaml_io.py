"""Provides reading (decoding, parsing, validating) and writing of YAML codebook files.

Problems are reported all at once, each with its place in the file and its line number.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from reviewkit.codebook.convert import codebook_from_dict, codebook_to_dict
from reviewkit.codebook.model import Codebook
from reviewkit.codebook.validate import Problem, validate_data
from reviewkit.codebook.yaml_guard import check_aliases
from reviewkit.errors import CodebookError, ExportError

__all__ = [
    "codebook_from_dict",
    "codebook_to_dict",
    "check_aliases",
    "codebook_to_yaml",
    "dump_codebook",
    "load_codebook",
    "parse_codebook_text",
    "read_codebook",
    "write_text_atomic",
]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when installed (about ten times faster), else PyYAML's."""
_HEADER = (
    "# reviewkit codebook (format: docs/codebook-format.md; check with `reviewkit codebook validate FILE`)\n"
)
_PROSE = ("description", "definition", "include", "exclude")
_FLOW_LISTS = ("keywords", "negative_keywords", "languages")


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    head = data[:offset]
    line = head.count(b"\n") + 1
    return line, offset - (head.rfind(b"\n") + 1) + 1


def decode_codebook_bytes(data: bytes, path: str) -> str:
    """Decode a codebook file as UTF-8 (a UTF-8 BOM is fine).

    Args:
        data: the file's bytes.
        path: the file, for messages.

    Returns:
        The text.

    Raises:
        CodebookError: the file is empty, UTF-16/32, binary or not UTF-8 (with a guess of the encoding).
    """
    if not data.strip():
        raise CodebookError(
            path, [("(file)", "the file is empty; a codebook needs at least name, version and codes")]
        )
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):  # fmt: skip
        if data.startswith(bom):
            raise CodebookError(
                path, [("(file)", f"the file is {name} text; save it as UTF-8 and try again")]
            )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        guess = ""
        try:
            other = data.decode("gb18030")
            if re.search(r"[\u4e00-\u9fff]", other):
                guess = " It looks like GBK/GB18030 (common for Chinese Windows editors)."
        except UnicodeDecodeError:
            pass
        if not guess and b"\x00" in data[:4096]:
            guess = " It looks like a binary file or UTF-16 without a byte-order mark."
        reason = (
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be read).{guess} "
            "Save it as UTF-8 (in most editors: Save As > Encoding > UTF-8) and try again"
        )
        raise CodebookError(path, [(f"line {line}, column {col}", reason)]) from exc
    if "\x00" in text:
        raise CodebookError(
            path, [("(file)", "the file contains NUL bytes: it is binary, not a YAML codebook")]
        )
    return text


def _yaml_error(exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                problem += f" at line {exc.context_mark.line + 1}"
            problem += ")"
        hint = ""
        if "'\\t'" in problem:
            hint = "; YAML does not allow tabs for indentation, use spaces"
        elif "mapping values are not allowed" in problem:
            hint = "; a value containing ': ' must be put in quotes"
        return where, f"YAML syntax error: {problem}{hint}"
    return "(file)", f"YAML syntax error: {exc}"


def _walk(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            sub = f"{path}.{key}" if path else str(key)
            line = key_node.start_mark.line + 1
            if key in first:
                problems.append(
                    (sub, f"duplicate key {key!r} (first at line {first[key]}); YAML keeps only the last one")
                )
            else:
                first[key] = line
            lines[sub] = line
            _walk(value_node, sub, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            lines[sub] = item.start_mark.line + 1
            _walk(item, sub, lines, problems)


def _line_of(where: str, lines: dict[str, int]) -> int | None:
    probe = where
    while probe:
        if probe in lines:
            return lines[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        if cut <= 0:
            break
        probe = probe[:cut]
    return lines.get(probe)


def _compose(text: str, loader_class: Any, path: str = "") -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers) and the data built from it (aliases checked first)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        check_aliases(node, path)
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def parse_codebook_text(text: str, path: str = "") -> tuple[Any, list[Problem]]:
    """Parse and validate the text of a YAML codebook.

    Args:
        text: the decoded file.
        path: the file, for messages.

    Returns:
        (data, problems): the parsed data and every problem, sorted by line, each reason ending
        with ``(line N)`` where the place is known.

    Raises:
        CodebookError: the text is not well-formed YAML (with line and column).
    """
    try:
        node, data = _compose(text, _Loader, path)
    except yaml.YAMLError:
        try:  # PyYAML's own parser words syntax errors better (and the same with or without libyaml)
            node, data = _compose(text, yaml.SafeLoader, path)
        except yaml.YAMLError as exc:
            raise CodebookError(path, [_yaml_error(exc)]) from exc
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, "", lines, problems)
    problems += validate_data(data, path)
    located: list[tuple[int, Problem]] = []
    for where, reason in problems:
        line = _line_of(where, lines)
        located.append((line or 0, (where, f"{reason} (line {line})" if line else reason)))
    located.sort(key=lambda item: item[0])
    return data, [problem for _, problem in located]


def read_codebook(path: str | Path) -> tuple[Codebook, str]:
    """Read, validate and build a YAML codebook, also returning its text (stored as the version's source).

    Args:
        path: the YAML file.

    Returns:
        (codebook, text).

    Raises:
        CodebookError: the file is missing, empty, not UTF-8, not YAML or invalid; lists every problem.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as exc:
        raise CodebookError(str(p), [("(file)", "no such file")]) from exc
    except IsADirectoryError as exc:
        raise CodebookError(str(p), [("(file)", "is a directory, not a codebook file")]) from exc
    except OSError as exc:
        raise CodebookError(str(p), [("(file)", f"cannot be read: {exc.strerror or exc}")]) from exc
    text = decode_codebook_bytes(raw, str(p))
    data, problems = parse_codebook_text(text, str(p))
    if problems:
        raise CodebookError(str(p), problems)
    return codebook_from_dict(data, str(p)), text


def load_codebook(path: str | Path) -> Codebook:
    """Read a YAML codebook and validate it.

    Args:
        path: the YAML file.

    Returns:
        The codebook.

    Raises:
        CodebookError: with every problem found, each (where, reason), e.g.
            ``("codes[3].keywords.zh[2]", "expected a string, got a number (5) (line 57)")``.
    """
    return read_codebook(path)[0]


class _Prose(str):
    """A long text written as a folded or literal block."""


class _Flow(list):  # type: ignore[type-arg]
    """A list written inline: ``[a, b, c]``."""


class _FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written inline: ``{en: ..., zh: ...}``."""


class _Dumper(yaml.SafeDumper):
    """Indents block lists under their key and keeps key order."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_prose(dumper: yaml.SafeDumper, value: _Prose) -> yaml.Node:
    style = "|" if "\n" in value else (">" if len(value) > 80 else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(value), flow_style=True)


_Dumper.add_representer(_Prose, _represent_prose)
_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowMap, _represent_flow_map)


def _styled(value: Any, key: str = "") -> Any:
    """Mark how each part is written: labels and keyword lists inline, examples one per line, prose folded."""
    if isinstance(value, dict):
        if key == "label":
            return _FlowMap(value)
        if key in _FLOW_LISTS:
            return {lang: _Flow(items) for lang, items in value.items()}
        return {k: _styled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_styled(v) for v in value]
        return _Flow(items) if key in _FLOW_LISTS else items
    if isinstance(value, str) and key in _PROSE:
        return _Prose(value)
    return value


def codebook_to_yaml(codebook: Codebook) -> str:
    """The codebook as diff-friendly YAML text (Chinese kept readable, one example per line).

    Args:
        codebook: the codebook.

    Returns:
        YAML text that `load_codebook` reads back into an equal codebook.
    """
    data = codebook_to_dict(codebook)
    text = yaml.dump(_styled(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=96, indent=2)
    text = re.sub(r"\n(  - id: )", r"\n\n\1", text).replace("codes:\n\n", "codes:\n", 1)
    text = text.replace("\nuncoded_examples:", "\n\nuncoded_examples:", 1)
    if yaml.safe_load(text) != data:  # pragma: no cover - safety net for odd strings
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=96)
    return _HEADER + text


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | Path, text: str, *, force: bool = False) -> Path:
    """Write `text` as UTF-8 to a temporary file next to `path`, then rename it into place.

    Args:
        path: the destination.
        text: the content.
        force: overwrite an existing file.

    Returns:
        The destination path.

    Raises:
        ExportError: `path` exists and `force` is False, or it cannot be written.
    """
    dest = Path(path)
    if dest.exists() and not force:
        raise ExportError(f"{dest} already exists; use --force to overwrite it")
    if dest.is_dir():
        raise ExportError(f"{dest} is a directory; give a file name")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, dest)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def dump_codebook(codebook: Codebook, path: str | Path, *, force: bool = True) -> Path:
    """Write a codebook as a YAML file (atomically: temporary file, then rename).

    Args:
        codebook: the codebook.
        path: the destination file.
        force: overwrite an existing file (default True; the CLI passes its --force).

    Returns:
        The destination path.

    Raises:
        ExportError: the file exists and `force` is False.
    """
    return write_text_atomic(path, codebook_to_yaml(codebook), force=force)

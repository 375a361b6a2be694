"""Provides the assembly of codebooks read from other tools: names to dotted ids, nesting to parents.

REFI-QDA and Taguette codebooks name codes but have no ids, labels per language or examples.
`build_codebook` turns a tree of `RawCode` into a `Codebook` with stable, readable dotted ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reviewkit.codebook.model import Code, Codebook

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_COLOR3 = re.compile(r"^#([0-9A-Fa-f])([0-9A-Fa-f])([0-9A-Fa-f])$")
_COLOR6 = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass
class RawCode:
    """A code as another tool describes it, before it gets an id."""

    name: str
    """The tool's name of the code (its last segment when the tool uses paths such as ``Coke::diet``)."""
    description: str = ""
    """The tool's description (becomes the definition)."""
    color: str = ""
    """Colour as given by the tool (#RGB or #RRGGBB), if any."""
    children: list[RawCode] = field(default_factory=list)
    """Sub-codes, in file order."""
    code_id: str = ""
    """An id known from a reviewkit trailer (kept as is); empty to derive one from the name."""
    label: dict[str, str] = field(default_factory=dict)
    """Labels per language from a reviewkit trailer; empty to use the name."""
    include: str = ""
    exclude: str = ""
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negative_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    threshold: float | None = None


def slugify(text: str) -> str:
    """A lower-case id part from a name: letters (Chinese too), digits and ``_``.

    ``"Coke::full-fat Coke"`` -> ``"coke_full_fat_coke"``; ``"功能 升级"`` -> ``"功能_升级"``.
    """
    norm = unicodedata.normalize("NFKD", text)
    norm = "".join(ch for ch in norm if not unicodedata.combining(ch))
    slug = re.sub(r"[^\w]+", "_", norm.lower(), flags=re.UNICODE).strip("_")
    return slug or "code"


def name_language(name: str) -> str:
    """``"zh"`` when a name contains Chinese characters, else ``"en"``."""
    return "zh" if _CJK.search(name) else "en"


def normalise_color(color: str) -> str:
    """``#RRGGBB`` from ``#RGB`` or ``#RRGGBB`` (case kept); empty for anything else."""
    color = (color or "").strip()
    short = _COLOR3.match(color)
    if short:
        return "#" + "".join(c * 2 for c in short.groups())
    return color if _COLOR6.match(color) else ""


def split_path_names(roots: list[RawCode], separator: str) -> list[RawCode]:
    """Re-home codes named like ``Parent::Child`` (ATLAS.ti style) under their parent code.

    A parent that the file does not define is created (without a description).

    Args:
        roots: the top-level codes in file order.
        separator: the path separator, e.g. ``"::"``.

    Returns:
        The new list of top-level codes.
    """
    if not any(separator in code.name for code in roots):
        return roots
    by_path: dict[str, RawCode] = {code.name: code for code in roots if separator not in code.name}
    result: list[RawCode] = []
    placed: set[int] = set()

    def place(node: RawCode) -> None:
        if id(node) not in placed:
            placed.add(id(node))
            result.append(node)

    for code in roots:
        if separator not in code.name:
            place(code)
            continue
        parts = [p.strip() for p in code.name.split(separator)]
        parent: RawCode | None = None
        for depth in range(1, len(parts)):
            path = separator.join(parts[:depth])
            node = by_path.get(path)
            if node is None:
                node = RawCode(name=parts[depth - 1])
                by_path[path] = node
                if parent is not None:
                    parent.children.append(node)
            if parent is None:
                place(node)
            parent = node
        code.name = parts[-1]
        if parent is not None:
            parent.children.append(code)
        by_path[separator.join(parts)] = code
    return result


def codebook_name(text: str) -> str:
    """A codebook name (slug with dashes) from a project or file name: ``"My Project"`` -> ``"my-project"``."""
    return slugify(text).replace("_", "-")


def build_codebook(
    roots: list[RawCode],
    *,
    name: str,
    version: str = "1",
    description: str = "",
    languages: tuple[str, ...] = (),
    path: str = "",
) -> Codebook:
    """Turn a tree of raw codes into a `Codebook`.

    Ids come from a reviewkit trailer when present, otherwise from the names: the parent's id,
    a dot, and the slug of the name (``Breakfast food`` -> ``breakfast_food``); clashes get
    ``_2``, ``_3``. The name becomes the label in its language (Chinese when it has Chinese
    characters, else English).

    Args:
        roots: top-level codes with their children.
        name: the codebook name (used as given; see `codebook_name`).
        version: the codebook version.
        description: the codebook description.
        languages: the codebook languages; empty to use those of the labels.
        path: the file the codebook came from.

    Returns:
        The codebook (not validated: other tools' codebooks usually lack definitions and examples).
    """
    codes: list[Code] = []
    used: set[str] = set()

    def unique(candidate: str) -> str:
        out, n = candidate, 2
        while out in used:
            out = f"{candidate}_{n}"
            n += 1
        used.add(out)
        return out

    def visit(raw: RawCode, parent: str | None) -> None:
        if raw.code_id:
            code_id = unique(raw.code_id)
        else:
            part = slugify(raw.name)
            code_id = unique(f"{parent}.{part}" if parent else part)
        label = (
            dict(raw.label)
            if raw.label
            else ({name_language(raw.name): raw.name.strip()} if raw.name.strip() else {})
        )
        codes.append(
            Code(
                id=code_id,
                label=label,
                parent=parent,
                definition=raw.description.strip(),
                include=raw.include.strip(),
                exclude=raw.exclude.strip(),
                keywords=dict(raw.keywords),
                negative_keywords=dict(raw.negative_keywords),
                examples=dict(raw.examples),
                threshold=raw.threshold,
                color=normalise_color(raw.color),
            )
        )
        for child in raw.children:
            visit(child, code_id)

    for root in roots:
        visit(root, None)
    if not languages:
        seen = {lang for code in codes for lang in code.label}
        languages = tuple(lang for lang in ("en", "zh") if lang in seen) + tuple(sorted(seen - {"en", "zh"}))
    return Codebook(
        name=name or "imported",
        version=version or "1",
        codes=tuple(codes),
        description=description,
        languages=languages or ("en",),
        path=path,
    )

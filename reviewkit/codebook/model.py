"""Provides the codebook data model: `Code` and `Codebook` (a tree of dotted code ids)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase

LANGS = ("en", "zh")


@dataclass(frozen=True)
class Code:
    """One code (or group of codes) of a codebook."""

    id: str
    """Dotted id, e.g. ``upgrading.functional``; groups have a one-part id (``upgrading``)."""
    label: dict[str, str] = field(default_factory=dict)
    """Label per language: {"en": "Functional upgrading", "zh": "功能升级"}."""
    parent: str | None = None
    """Id of the parent code; None for a top-level group."""
    definition: str = ""
    include: str = ""
    """When to apply the code (notes for coders)."""
    exclude: str = ""
    """When not to apply it, and which code to use instead."""
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Phrases per language whose presence is evidence for the code."""
    negative_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Look-alike phrases per language that are NOT evidence (e.g. "machine learning")."""
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Example passages per language that a careful coder would give this code."""
    threshold: float | None = None
    """Per-code score threshold overriding the tagger's calibrated one."""
    color: str = ""
    """Display colour as #RRGGBB."""

    @property
    def group(self) -> str:
        """The top-level group id (first part of the dotted id)."""
        return self.id.split(".", 1)[0]

    def label_for(self, lang: str = "en") -> str:
        """The label in `lang`, falling back to English, then the id."""
        return self.label.get(lang) or self.label.get("en") or self.id


@dataclass(frozen=True)
class Codebook:
    """A named, versioned tree of codes."""

    name: str
    version: str
    codes: tuple[Code, ...]
    description: str = ""
    languages: tuple[str, ...] = LANGS
    uncoded_examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Passages per language that carry no code (hard negatives: look-alikes of the codes)."""
    path: str = field(default="", compare=False)
    """File the codebook was read from (not part of its content)."""

    def get(self, code_id: str) -> Code:
        """Return the code with id `code_id` (KeyError if absent)."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def __contains__(self, code_id: object) -> bool:
        return any(code.id == code_id for code in self.codes)

    @property
    def ids(self) -> list[str]:
        """All code ids, in file order."""
        return [code.id for code in self.codes]

    def children(self, code_id: str | None) -> list[Code]:
        """Direct children of `code_id` (None: the top-level codes)."""
        return [code for code in self.codes if code.parent == code_id]

    def leaves(self) -> list[Code]:
        """Codes that have no children: the ones passages are coded with."""
        parents = {code.parent for code in self.codes}
        return [code for code in self.codes if code.id not in parents]

    def groups(self) -> list[Code]:
        """Top-level codes that have children."""
        parents = {code.parent for code in self.codes}
        return [code for code in self.codes if code.parent is None and code.id in parents]

    def match(self, pattern: str) -> list[Code]:
        """Leaf codes matching a comma-separated list of ids, group prefixes or globs.

        ``"regionalism"`` matches every ``regionalism.*`` leaf; ``"upgrading.p*"`` is a glob.
        """
        wanted: list[Code] = []
        for part in (p.strip() for p in pattern.split(",")):
            if not part:
                continue
            for code in self.leaves():
                hit = code.id == part or code.id.startswith(part + ".") or fnmatchcase(code.id, part)
                if hit and code not in wanted:
                    wanted.append(code)
        return wanted

    def content_hash(self) -> str:
        """SHA-256 over the codebook's content (not its path): identifies a version."""
        data = asdict(self)
        data.pop("path", None)
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def code_hash(self, code_id: str) -> str:
        """SHA-256 over one code's content: lets re-coding redo only the codes that changed."""
        blob = json.dumps(asdict(self.get(code_id)), sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

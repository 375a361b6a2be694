"""Provides codebook validation: every problem of a parsed codebook at once, each with its place.

A place is a path into the file such as ``codes[3].keywords.zh[2]`` (list items count from 0).
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any, TypeGuard

from reviewkit.codebook.convert import CODE_KEYS, TOP_KEYS, implied_parent

Problem = tuple[str, str]

MIN_EXAMPLES = {"en": 3, "zh": 2}
"""Fewest examples a leaf code needs per language, when the codebook's ``languages`` list it."""

_LANG_NAMES = {"en": "English", "zh": "Chinese"}
_NAME_RE = re.compile(r"^\w[\w.-]*$")
_ID_RE = re.compile(r"^[\w-]+(\.[\w-]+)*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def _unknown_key(key: Any, valid: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
    if near:
        return f"unknown key {key!r}; did you mean {near[0]!r}?"
    return f"unknown key {key!r}; valid keys: {', '.join(valid)}"


class _Checker:
    """Collects the problems of one codebook; `run` does the whole check."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.problems: list[Problem] = []
        self.languages: list[str] = ["en", "zh"]

    def add(self, where: str, reason: str) -> None:
        self.problems.append((where, reason))

    # -- scalar and container checks -------------------------------------------------------
    def string(self, value: Any, where: str, *, required: bool = False, what: str = "") -> TypeGuard[str]:
        if value is None:
            if required:
                self.add(where, f"missing{': ' + what if what else ''}")
            return False
        if not isinstance(value, str):
            self.add(where, f"expected a string, got {_type_name(value)}")
            return False
        if required and not value.strip():
            self.add(where, f"is empty{': ' + what if what else ''}")
            return False
        return True

    def language_key(self, lang: Any, where: str) -> bool:
        if not isinstance(lang, str):
            self.add(where, f"expected a language code such as en or zh, got {_type_name(lang)}")
            return False
        if lang not in self.languages:
            self.add(
                where,
                f"language {lang!r} is not listed in languages ({', '.join(self.languages)}); "
                "add it there or fix the key",
            )
            return False
        return True

    def string_list(self, value: Any, where: str) -> list[str | None]:
        """Check a list of non-empty strings; return it with None in place of bad items."""
        if not isinstance(value, list):
            self.add(where, f"expected a list, got {_type_name(value)}")
            return []
        good: list[str | None] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.add(f"{where}[{i}]", f"expected a string, got {_type_name(item)}")
                good.append(None)
            elif not item.strip():
                self.add(f"{where}[{i}]", "is empty")
                good.append(None)
            else:
                good.append(item)
        return good

    def langmap(self, value: Any, where: str) -> dict[str, list[str | None]]:
        """Check a mapping language -> list of strings; return the lists (None for bad items)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(
                where, f"expected a mapping of language to a list (e.g. en: [...]), got {_type_name(value)}"
            )
            return {}
        out: dict[str, list[str | None]] = {}
        for lang, items in value.items():
            here = f"{where}.{lang}"
            if not self.language_key(lang, here):
                continue
            if items is None:
                out[lang] = []
                continue
            out[lang] = self.string_list(items, here)
        return out

    # -- the whole codebook ----------------------------------------------------------------
    def run(self) -> list[Problem]:
        data = self.data
        if data is None:
            self.add("(file)", "the file is empty; a codebook needs at least name, version and codes")
            return self.problems
        if not isinstance(data, dict):
            self.add(
                "(top level)", f"expected a mapping with name, version and codes, got {_type_name(data)}"
            )
            return self.problems
        for key in data:
            if key not in TOP_KEYS:
                self.add(str(key), _unknown_key(key, TOP_KEYS))
        self.check_header(data)
        self.langmap(data.get("uncoded_examples"), "uncoded_examples")
        codes = data.get("codes")
        if codes is None:
            self.add("codes", "missing: a codebook needs a list of codes")
        elif not isinstance(codes, list):
            self.add("codes", f"expected a list, got {_type_name(codes)}")
        elif not codes:
            self.add("codes", "is empty: a codebook needs at least one code")
        else:
            self.check_codes(codes)
        return self.problems

    def check_header(self, data: dict[str, Any]) -> None:
        name = data.get("name")
        if self.string(name, "name", required=True, what="a short slug such as cluster-upgrading"):
            if not _NAME_RE.match(name.strip()):
                self.add("name", f"{name!r} is not a slug: use letters, digits, '-', '_' or '.', no spaces")
        version = data.get("version")
        if isinstance(version, int | float) and not isinstance(version, bool):
            self.add("version", f'expected a string: put it in quotes, e.g. version: "{version}"')
        else:
            self.string(version, "version", required=True, what='a version string such as "1.0"')
        self.string(data.get("description"), "description")
        langs = data.get("languages")
        if langs is None:
            return
        if not isinstance(langs, list):
            self.add("languages", f"expected a list such as [en, zh], got {_type_name(langs)}")
            return
        if not langs:
            self.add("languages", "is empty: list at least one language, e.g. [en, zh]")
            return
        good: list[str] = []
        for i, lang in enumerate(langs):
            if not isinstance(lang, str):
                self.add(f"languages[{i}]", f"expected a string, got {_type_name(lang)}")
            elif not _LANG_RE.match(lang):
                self.add(f"languages[{i}]", f"{lang!r} is not a language code such as en or zh")
            elif lang in good:
                self.add(f"languages[{i}]", f"{lang!r} is listed twice")
            else:
                good.append(lang)
        self.languages = good

    def check_codes(self, codes: list[Any]) -> None:
        entries: list[tuple[int, dict[str, Any], str]] = []  # (index, mapping, id) of codes with a usable id
        first_at: dict[str, int] = {}
        for i, item in enumerate(codes):
            where = f"codes[{i}]"
            if not isinstance(item, dict):
                self.add(where, f"expected a mapping with id, label and definition, got {_type_name(item)}")
                continue
            code_id = self.check_code_fields(item, where)
            if code_id is None:
                continue
            if code_id in first_at:
                self.add(
                    f"{where}.id", f"duplicate id {code_id!r} (first used at codes[{first_at[code_id]}])"
                )
                continue
            first_at[code_id] = i
            entries.append((i, item, code_id))
        self.check_tree(entries)

    def check_code_fields(self, item: dict[str, Any], where: str) -> str | None:
        """Check the keys and value types of one code; return its id when usable."""
        for key in item:
            if key not in CODE_KEYS:
                self.add(f"{where}.{key}", _unknown_key(key, CODE_KEYS))
        code_id: str | None = None
        raw_id = item.get("id")
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            self.add(f"{where}.id", f"expected a string, got {_type_name(raw_id)}; put the id in quotes")
        elif self.string(
            raw_id, f"{where}.id", required=True, what="a dotted id such as upgrading.functional"
        ):
            if _ID_RE.match(raw_id.strip()):
                code_id = raw_id.strip()
            else:
                self.add(
                    f"{where}.id",
                    f"{raw_id!r} is not a dotted id: parts of letters, digits, '_' or '-' joined by dots, "
                    "e.g. upgrading.functional",
                )
        self.string(item.get("parent"), f"{where}.parent")
        label = item.get("label")
        if isinstance(label, dict):
            for lang, text in label.items():
                if self.language_key(lang, f"{where}.label.{lang}"):
                    self.string(text, f"{where}.label.{lang}", required=True, what="a label")
        elif label is not None:
            self.string(label, f"{where}.label")
        for key in ("definition", "include", "exclude"):
            self.string(item.get(key), f"{where}.{key}")
        keywords = self.langmap(item.get("keywords"), f"{where}.keywords")
        negatives = self.langmap(item.get("negative_keywords"), f"{where}.negative_keywords")
        self.langmap(item.get("examples"), f"{where}.examples")
        self.check_overlap(keywords, negatives, where)
        self.check_threshold(item.get("threshold"), f"{where}.threshold")
        color = item.get("color")
        if self.string(color, f"{where}.color") and not _COLOR_RE.match(color.strip()):
            self.add(f"{where}.color", f"{color!r} is not a colour: write #RRGGBB, e.g. #1b9e77")
        return code_id

    def check_overlap(
        self,
        keywords: dict[str, list[str | None]],
        negatives: dict[str, list[str | None]],
        where: str,
    ) -> None:
        for lang, negs in negatives.items():
            positive: dict[str, int] = {}
            for j, k in enumerate(keywords.get(lang, [])):
                if k is not None:
                    positive.setdefault(k.strip().lower(), j)
            for j, neg in enumerate(negs):
                if neg is None:
                    continue
                hit = positive.get(neg.strip().lower())
                if hit is not None:
                    self.add(
                        f"{where}.negative_keywords.{lang}[{j}]",
                        f"{neg!r} is also a keyword (keywords.{lang}[{hit}]); keep it in only one of the two lists",
                    )

    def check_threshold(self, value: Any, where: str) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(where, f"expected a number between 0 and 1, got {_type_name(value)}")
        elif math.isnan(value) or not 0.0 <= value <= 1.0:
            self.add(where, f"{value} is outside [0, 1]")

    def check_tree(self, entries: list[tuple[int, dict[str, Any], str]]) -> None:
        ids = {code_id for _, _, code_id in entries}
        parent_of: dict[str, str] = {}
        index_of: dict[str, int] = {}
        for i, item, code_id in entries:
            index_of[code_id] = i
            given = item.get("parent")
            prefix = implied_parent(code_id)
            if isinstance(given, str) and given.strip():
                parent = given.strip()
                if prefix is not None and parent != prefix:
                    self.add(
                        f"codes[{i}].parent",
                        f"{parent!r} disagrees with the id {code_id!r}, whose prefix is {prefix!r}; "
                        f"fix the id or the parent",
                    )
                    continue
                if parent not in ids:
                    self.add(
                        f"codes[{i}].parent", f"parent {parent!r} does not exist{self._near(parent, ids)}"
                    )
                    continue
                if parent == code_id:
                    self.add(f"codes[{i}].parent", "a code cannot be its own parent")
                    continue
                parent_of[code_id] = parent
            elif prefix is not None:
                if prefix not in ids:
                    self.add(
                        f"codes[{i}].id",
                        f"the id implies the parent {prefix!r}, which does not exist; add a code with id "
                        f"{prefix!r}{self._near(prefix, ids)}",
                    )
                    continue
                parent_of[code_id] = prefix
        self.check_cycles(parent_of, index_of)
        parents = set(parent_of.values())
        for i, item, code_id in entries:
            if code_id in parents:
                continue
            self.check_leaf(item, f"codes[{i}]")

    @staticmethod
    def _near(name: str, ids: set[str]) -> str:
        near = difflib.get_close_matches(name, sorted(ids), n=1, cutoff=0.6)
        return f"; did you mean {near[0]!r}?" if near else ""

    def check_cycles(self, parent_of: dict[str, str], index_of: dict[str, int]) -> None:
        reported: set[str] = set()
        for start in parent_of:
            seen: list[str] = []
            node: str | None = start
            while node is not None and node not in seen:
                seen.append(node)
                node = parent_of.get(node)
            if node is None or node in reported:
                continue
            cycle = seen[seen.index(node) :]
            reported.update(cycle)
            chain = " -> ".join([*cycle, cycle[0]])
            first = min(cycle, key=lambda c: index_of[c])
            self.add(f"codes[{index_of[first]}].parent", f"parent links form a cycle: {chain}")

    def check_leaf(self, item: dict[str, Any], where: str) -> None:
        definition = item.get("definition")
        if definition is None or (isinstance(definition, str) and not definition.strip()):
            self.add(
                f"{where}.definition",
                ("missing" if definition is None else "is empty")
                + ": a code without sub-codes needs a definition (what a second coder applies)",
            )
        examples = item.get("examples")
        if examples is not None and not isinstance(examples, dict):
            return  # already reported as the wrong type
        examples = examples or {}
        for lang, least in MIN_EXAMPLES.items():
            if lang not in self.languages:
                continue
            items = examples.get(lang)
            count = (
                len([x for x in items if isinstance(x, str) and x.strip()]) if isinstance(items, list) else 0
            )
            if count < least:
                here = f"{where}.examples.{lang}" if lang in examples else f"{where}.examples"
                self.add(
                    here,
                    f"needs at least {least} {_LANG_NAMES[lang]} examples (has {count}), "
                    f"because languages lists {lang}",
                )


def validate_data(data: Any, path: str = "") -> list[Problem]:
    """Check parsed codebook data and return every problem found (empty when valid).

    Reported: unknown keys (with the nearest valid key), wrong types, missing name/version/codes,
    bad ids, duplicate ids, parents that do not exist or disagree with a dotted id, cycles,
    leaf codes without a definition or with too few examples, keywords also listed as negative
    keywords, colours that are not #RRGGBB and thresholds outside [0, 1].

    Args:
        data: the result of ``yaml.safe_load`` on the file.
        path: the file (only used by callers for messages; kept for symmetry with `load_codebook`).

    Returns:
        A list of (where, reason), e.g. ``("codes[3].keywords.zh[2]", "expected a string, got a number (5)")``.
    """
    del path
    return _Checker(data).run()

"""Provides the codebook use cases: load a YAML codebook into a project, show its tree, export, import."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.codebook.convert import codebook_from_dict
from reviewkit.codebook.model import Code, Codebook
from reviewkit.codebook.validate import Problem, validate_data
from reviewkit.codebook.yaml_io import (
    codebook_to_dict,
    codebook_to_yaml,
    load_codebook,
    read_codebook,
    write_text_atomic,
)
from reviewkit.errors import CodebookError, ExportError, NotFoundError
from reviewkit.records import CodeRecord

if TYPE_CHECKING:
    from reviewkit.store import Store

IMPORT_SUFFIXES = (".qdc", ".qde", ".qdpx", ".csv", ".yaml", ".yml")


@dataclass(frozen=True)
class LoadResult:
    """What loading a codebook file into a project did."""

    codebook_id: int
    """Row id of the stored version (codings made under it point at this id)."""
    codebook: Codebook
    is_new_version: bool
    """True when the content was not stored before under this name."""
    previous_version: int | None
    """Row id of the version that was current before the load (None on the first load)."""
    number: int = 1
    """1-based number of this version among the stored versions of the codebook."""

    @property
    def unchanged(self) -> bool:
        """The file has the content of the version that was already current."""
        return not self.is_new_version and self.previous_version == self.codebook_id


@dataclass(frozen=True)
class CodeRow:
    """One line of the codebook tree."""

    depth: int
    """0 for top-level codes, 1 for their children, ..."""
    code: Code
    counts: dict[str, int] = field(default_factory=dict)
    """suggested / accepted / rejected; for a code with sub-codes, the totals over its subtree."""
    is_leaf: bool = True


def load_codebook_file(store: Store, path: str | Path) -> LoadResult:
    """Validate a YAML codebook and store it in the project as a version (new if its content is new).

    Args:
        store: the open project.
        path: the YAML file.

    Returns:
        The `LoadResult`.

    Raises:
        CodebookError: the file is invalid (every problem listed).
    """
    codebook, text = read_codebook(path)
    previous = store.codebooks.current_id()
    existing = store.codebooks.find(codebook.name, codebook.content_hash())
    codebook_id = save_codebook(store, codebook, source=text)
    versions = store.codebooks.versions(codebook.name)
    number = next((v.number for v in versions if v.id == codebook_id), len(versions))
    return LoadResult(codebook_id, codebook, existing is None, previous, number)


def save_codebook(store: Store, codebook: Codebook, *, source: str | None = None, make_current: bool = True) -> int:
    """Store a codebook as a version (new only if its content is new) and, by default, make it current.

    Args:
        store: the open project.
        codebook: the (validated) codebook.
        source: the text it was read from (kept as provenance); None to write it as YAML.
        make_current: make it the project's current codebook (also when the version existed).

    Returns:
        The id of the version.
    """
    codes = [
        CodeRecord(
            0, code.id, code.parent, position, code.label.get("en", ""), code.label.get("zh", ""), code.definition,
            code.include, code.exclude, dict(code.keywords), dict(code.negative_keywords), dict(code.examples),
            code.threshold, code.color, codebook.code_hash(code.id),
        )  # fmt: skip
        for position, code in enumerate(codebook.codes)
    ]
    return store.codebooks.save(
        name=codebook.name,
        version=codebook.version,
        content_hash=codebook.content_hash(),
        data=codebook_to_dict(codebook),
        codes=codes,
        source=source if source is not None else codebook_to_yaml(codebook),
        path=codebook.path,
        make_current=make_current,
    )


def stored_codebook(store: Store, codebook_id: int) -> Codebook:
    """The `Codebook` of a stored version (built from its canonical data).

    Raises:
        NotFoundError: no such version.
    """
    version = store.codebooks.get(codebook_id)
    return codebook_from_dict(version.data, version.path)


def resolve_codebook(
    store: Store, codebook_id: int | None = None, name: str | None = None
) -> tuple[int, Codebook]:
    """The codebook version to work with: `codebook_id`, else the current one of `name`, else the last loaded.

    Raises:
        NotFoundError: the project has no such codebook (the message says how to load one).
    """
    if codebook_id is not None:
        return codebook_id, stored_codebook(store, codebook_id)
    found = store.codebooks.current_id(name)
    if found is None:
        names = store.codebooks.names()
        which = f"named {name!r} " if name else ""
        known = f" (stored: {', '.join(names)})" if names else ""
        raise NotFoundError(
            f"No codebook {which}in {store.path}{known}. Load one with `reviewkit codebook load FILE`."
        )
    return found, stored_codebook(store, found)


def tree_rows(codebook: Codebook, counts: dict[str, dict[str, int]] | None = None) -> list[CodeRow]:
    """The codes in tree order (each parent followed by its sub-codes, in file order) with depth and counts.

    Args:
        codebook: the codebook.
        counts: per code id {suggested, accepted, rejected}; None for a codebook outside a project.

    Returns:
        One `CodeRow` per code.
    """
    ids = set(codebook.ids)
    rows: list[CodeRow] = []
    seen: set[str] = set()

    def visit(code: Code, depth: int) -> dict[str, int]:
        seen.add(code.id)
        index = len(rows)
        rows.append(CodeRow(depth, code))
        total = dict((counts or {}).get(code.id, {}))
        children = [c for c in codebook.children(code.id) if c.id not in seen]
        for child in children:
            for key, value in visit(child, depth + 1).items():
                total[key] = total.get(key, 0) + value
        rows[index] = CodeRow(depth, code, total if counts is not None else {}, is_leaf=not children)
        return total

    for code in codebook.codes:
        if code.id not in seen and (code.parent is None or code.parent not in ids):
            visit(code, 0)
    return rows


def codebook_tree(store: Store, codebook_id: int | None = None) -> list[CodeRow]:
    """The tree of a stored codebook version with suggestion and decision counts.

    Args:
        store: the open project.
        codebook_id: the version; None for the current codebook (the one loaded last).

    Returns:
        One `CodeRow` per code, in tree order.

    Raises:
        NotFoundError: no codebook is loaded (or no such version).
    """
    codebook_id, codebook = resolve_codebook(store, codebook_id)
    return tree_rows(codebook, store.codebooks.counts(codebook_id))


def tree_json(codebook: Codebook, rows: list[CodeRow], codebook_id: int | None = None) -> dict[str, Any]:
    """A JSON-ready view of a codebook tree (for ``reviewkit codebook show --json``)."""
    return {
        "id": codebook_id,
        "name": codebook.name,
        "version": codebook.version,
        "languages": list(codebook.languages),
        "codes": [
            {
                **_code_json(row.code),
                "depth": row.depth,
                "is_leaf": row.is_leaf,
                **({"counts": row.counts} if row.counts else {}),
            }
            for row in rows
        ],
    }


def _code_json(code: Code) -> dict[str, Any]:
    """One code as plain data, with its parent always present."""
    from reviewkit.codebook.convert import code_to_dict

    out = code_to_dict(code)
    out["parent"] = code.parent
    return out


def export_qdc(
    codebook: Codebook, out_path: str | Path, *, force: bool = False, validate: bool = False
) -> Path:
    """Write a REFI-QDA ``.qdc`` codebook (temporary file, then rename).

    Args:
        codebook: the codebook.
        out_path: the destination.
        force: overwrite an existing file.
        validate: check the XML against the bundled Codebook-mrt2019.xsd before writing.

    Returns:
        The destination.

    Raises:
        ExportError: the file exists (without `force`), or the XML does not validate.
    """
    from reviewkit.refi.codebook import qdc_bytes, validate_qdc

    data = qdc_bytes(codebook)
    if validate:
        errors = validate_qdc(data)
        if errors:
            raise ExportError("The .qdc does not validate against Codebook-mrt2019.xsd: " + "; ".join(errors))
    return write_text_atomic(out_path, data.decode("utf-8"), force=force)


def export_yaml(codebook: Codebook, out_path: str | Path, *, force: bool = False) -> Path:
    """Write a codebook as YAML (temporary file, then rename).

    Raises:
        ExportError: the file exists and `force` is False.
    """
    return write_text_atomic(out_path, codebook_to_yaml(codebook), force=force)


def export_codebook(codebook: Codebook, out_path: str | Path, fmt: str, *, force: bool = False,
                    validate: bool = False) -> Path:  # fmt: skip
    """Write a codebook as ``qdc`` or ``yaml``.

    Raises:
        ExportError: unknown format, existing file without `force`, or invalid XML.
    """
    if fmt == "qdc":
        return export_qdc(codebook, out_path, force=force, validate=validate)
    if fmt in ("yaml", "yml"):
        return export_yaml(codebook, out_path, force=force)
    raise ExportError(f"Unknown codebook format {fmt!r}; use qdc or yaml.")


def import_codebook(path: str | Path) -> Codebook:
    """Read a codebook written by another tool: REFI-QDA ``.qdc``/``.qde``/``.qdpx``, Taguette ``.csv`` or YAML.

    Args:
        path: the file.

    Returns:
        The codebook (REFI and CSV codebooks are not validated: they usually lack definitions and examples).

    Raises:
        CodebookError: the file cannot be read as a codebook (unknown suffix, not XML, no codes...).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_codebook(p)
    if suffix == ".csv":
        from reviewkit.codebook.taguette import read_taguette_csv

        return read_taguette_csv(p)
    if suffix in (".qdc", ".qde", ".qdpx", ".xml"):
        from reviewkit.refi.codebook import read_refi_codebook

        return read_refi_codebook(p)
    raise CodebookError(
        str(p),
        [
            (
                "(file)",
                f"unknown codebook format {suffix or '(no suffix)'}; use one of {', '.join(IMPORT_SUFFIXES)}",
            )
        ],
    )


def import_to_yaml(
    path: str | Path, out_path: str | Path, *, force: bool = False
) -> tuple[Codebook, list[Problem]]:
    """Import a codebook from another tool and write it as YAML; nothing is written when reading fails.

    Args:
        path: the .qdc/.qde/.qdpx/.csv file.
        out_path: the YAML file to write.
        force: overwrite an existing file.

    Returns:
        (codebook, problems): what still has to be filled in (definitions, examples) before the
        YAML validates; empty when it is ready to load.

    Raises:
        CodebookError: the input cannot be read as a codebook.
        ExportError: `out_path` exists and `force` is False.
    """
    out = Path(out_path)
    if out.exists() and not force:
        raise ExportError(f"{out} already exists; use --force to overwrite it")
    codebook = import_codebook(path)
    write_text_atomic(out, codebook_to_yaml(codebook), force=force)
    return codebook, validate_data(codebook_to_dict(codebook), str(out))

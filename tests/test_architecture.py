"""The import graph follows STYLE.md's layers, and `import reviewkit.cli` stays light."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "reviewkit"

# module prefix -> reviewkit modules it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "reviewkit.records": ("reviewkit.",),
    "reviewkit.errors": ("reviewkit.",),
    "reviewkit._version": ("reviewkit.",),
    "reviewkit.lang": ("reviewkit.",),
    "reviewkit.config": ("reviewkit.",),
    "reviewkit.resources": ("reviewkit.",),
    "reviewkit.store": ("reviewkit.importers", "reviewkit.exporters", "reviewkit.tagger", "reviewkit.codebook",
                        "reviewkit.refi", "reviewkit.dedupe", "reviewkit.project", "reviewkit.cli", "reviewkit.tui",
                        "reviewkit.analysis", "reviewkit.learn", "reviewkit.report"),  # fmt: skip
    "reviewkit.report": ("reviewkit.store", "reviewkit.project", "reviewkit.cli", "reviewkit.tui", "reviewkit.tagger",
                         "reviewkit.importers", "reviewkit.analysis"),  # fmt: skip
    "reviewkit.importers": ("reviewkit.store", "reviewkit.project", "reviewkit.cli", "reviewkit.tui", "reviewkit.tagger"),
    "reviewkit.exporters": ("reviewkit.store", "reviewkit.project", "reviewkit.cli", "reviewkit.tui", "reviewkit.tagger"),
    "reviewkit.codebook": ("reviewkit.store", "reviewkit.tagger", "reviewkit.project", "reviewkit.cli", "reviewkit.tui",
                           "reviewkit.refi", "reviewkit.importers", "reviewkit.exporters"),  # fmt: skip
    # REFI-QDA exchange: pure XML/zip reading and writing at the level of importers/exporters/codebook
    "reviewkit.refi": ("reviewkit.store", "reviewkit.tagger", "reviewkit.project", "reviewkit.cli", "reviewkit.tui",
                       "reviewkit.importers", "reviewkit.exporters", "reviewkit.analysis",
                       "reviewkit.dedupe"),  # fmt: skip
    # duplicate rules: pure functions over records (the store queries stay in project/store)
    "reviewkit.dedupe": ("reviewkit.store", "reviewkit.tagger", "reviewkit.project", "reviewkit.cli", "reviewkit.tui",
                         "reviewkit.importers", "reviewkit.exporters", "reviewkit.refi", "reviewkit.codebook",
                         "reviewkit.analysis"),  # fmt: skip
    "reviewkit.tagger": ("reviewkit.store", "reviewkit.project", "reviewkit.cli", "reviewkit.tui"),
    "reviewkit.analysis": ("reviewkit.store", "reviewkit.project", "reviewkit.cli", "reviewkit.tui"),
    "reviewkit.learn": ("reviewkit.store", "reviewkit.project", "reviewkit.cli", "reviewkit.tui", "reviewkit.tagger",
                        "reviewkit.importers"),  # fmt: skip
    "reviewkit.project": ("reviewkit.cli", "reviewkit.tui"),
    # front ends reach data only through the project services (`reviewkit.project.open_project` opens it)
    "reviewkit.tui": ("reviewkit.cli", "reviewkit.store"),
    "reviewkit.cli": ("reviewkit.store",),
}
ALLOWED_EXCEPTIONS: set[tuple[str, str]] = set()  # the store keeps the codebook as canonical JSON: no codebook import


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _imports(path: Path) -> set[str]:
    """Every module an absolute import statement in `path` names (relative imports are not used here)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: use absolute imports"
            found.add(node.module or "")
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _is_within(name: str, prefix: str) -> bool:
    prefix = prefix.rstrip(".")
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("module,path", _modules(), ids=[m for m, _ in _modules()])
def test_layers(module: str, path: Path) -> None:
    banned = [b for prefix, bs in FORBIDDEN.items() if _is_within(module, prefix) for b in bs]
    bad = {
        imported
        for imported in _imports(path)
        for b in banned
        if _is_within(imported, b)
        and not _is_within(imported, module)
        and not any(_is_within(module, m) and _is_within(imported, i) for m, i in ALLOWED_EXCEPTIONS)
    }
    assert not bad, f"{module} imports {sorted(bad)}, which its layer forbids (see STYLE.md)"


def test_cli_import_is_light() -> None:
    code = (
        "import sys, reviewkit.cli\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'spacy', 'sklearn', 'textual', 'matplotlib', 'jieba', 'ray')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"`import reviewkit.cli` loaded heavy modules: {out.stdout.strip()}"


def test_help_is_fast_and_light() -> None:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom reviewkit.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "print(','.join(m for m in ('torch', 'spacy', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_module_sizes() -> None:
    big = {
        m: n
        for m, p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > (800 if m.startswith("reviewkit.cli") else 450)
    }
    assert not big, f"modules over the size limit (STYLE.md: ~400 lines): {big}"


def test_only_config_reads_the_environment() -> None:
    readers = {
        m
        for m, p in _modules()
        if re.search(r"os\.environ\.get|os\.getenv|os\.environ\[", p.read_text(encoding="utf-8"))
    }
    assert readers == {"reviewkit.config"}, f"modules reading the environment besides reviewkit.config: {readers}"


def _public_methods(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        fn
        for cls in tree.body
        if isinstance(cls, ast.ClassDef)
        for fn in cls.body
        if isinstance(fn, ast.FunctionDef) and not fn.name.startswith("_")
    ]


def test_store_methods_are_named_by_data_not_by_caller() -> None:
    bad = [
        f"{path.name}:{fn.name}"
        for path in sorted((PKG / "store").glob("*.py"))
        for fn in _public_methods(path)
        if re.match(r"(browse|report|export|trend|tui|cli)_", fn.name)
    ]
    assert not bad, f"store methods named after their caller: {bad}"


def test_store_returns_records_not_dicts() -> None:
    bad = [
        f"{path.name}:{fn.name} -> {ast.unparse(fn.returns)}"
        for path in sorted((PKG / "store").glob("*.py"))
        for fn in _public_methods(path)
        if fn.returns is not None and re.search(r"dict\[str, Any\]|\bAny\b", ast.unparse(fn.returns))
    ]
    assert not bad, f"public store methods must return records.py dataclasses, not dicts: {bad}"


def test_store_is_composed_of_one_part_per_kind_of_data() -> None:
    from reviewkit.store import Store
    from reviewkit.store.base import Part

    store = Store.open(":memory:")
    try:
        parts = {name for name, value in vars(store).items() if isinstance(value, Part)}
    finally:
        store.close()
    assert parts == {
        "documents", "imports", "passages", "suggestions", "embeddings", "codebooks", "codings", "audit",
        "screening", "memos", "assignments", "reviews", "versions", "facts",
    }  # fmt: skip
    assert not [n for n in dir(Store) if re.match(r"(browse|report)_", n)]

"""YAML codebooks: loading, validation (every problem with its place), bad input, writing back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewkit.codebook import (
    codebook_from_dict,
    codebook_to_dict,
    codebook_to_yaml,
    dump_codebook,
    load_codebook,
    validate_data,
)
from reviewkit.errors import CodebookError, ExportError

DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "codebook-small.yaml"
BROKEN = DATA / "codebook-broken.yaml"

SPEC_IDS = {
    "regionalism.collective_learning", "regionalism.interdependencies", "regionalism.institutions",
    "regionalism.trust_social_capital", "regionalism.critique", "global.external_linkages",
    "global.value_chain", "upgrading.general", "upgrading.process", "upgrading.product",
    "upgrading.functional", "upgrading.chain", "context.china",
}  # fmt: skip


def problems_of(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.path == str(path)
    return info.value.problems


def test_small_codebook_loads() -> None:
    cb = load_codebook(SMALL)
    assert (cb.name, cb.version, cb.languages) == ("small-test", "0.3", ("en", "zh"))
    assert [c.id for c in cb.groups()] == ["regionalism", "upgrading"]
    assert [c.id for c in cb.leaves()] == [
        "regionalism.collective_learning", "regionalism.institutions", "upgrading.functional", "upgrading.product",
    ]  # fmt: skip
    learning = cb.get("regionalism.collective_learning")
    assert learning.parent == "regionalism"
    assert learning.label == {"en": "Collective learning", "zh": "集体学习"}
    assert learning.keywords["en"] == ("collective learning", "localized learning", "learning region*")
    assert learning.negative_keywords["zh"] == ("机器学习",)
    assert len(learning.examples["en"]) == 3 and learning.threshold == 0.55
    assert learning.definition.startswith("The passage discusses learning") and learning.definition.endswith(
        "cluster."
    )
    assert cb.uncoded_examples["zh"] == ("本文使用机器学习方法。",)
    assert validate_data(yaml.safe_load(SMALL.read_text(encoding="utf-8")), str(SMALL)) == []


def test_broken_copy_reports_every_problem_with_its_place() -> None:
    got = problems_of(BROKEN)
    where = [w for w, _ in got]
    expected = {
        "name": "is not a slug",
        "version": 'expected a string: put it in quotes, e.g. version: "0.3"',
        "langauges": "unknown key 'langauges'; did you mean 'languages'?",
        "codes[0].color": "is not a colour",
        "codes[1].definition": "missing: a code without sub-codes needs a definition",
        "codes[1].definiton": "did you mean 'definition'?",
        "codes[1].keywords.zh[2]": "expected a string, got a number (5)",
        "codes[1].negative_keywords.en[0]": "'Machine Learning' is also a keyword (keywords.en[1])",
        "codes[1].examples.en": "needs at least 3 English examples (has 1)",
        "codes[1].threshold": "1.5 is outside [0, 1]",
        "codes[2].id": "duplicate id 'regionalism.collective_learning' (first used at codes[1])",
        "codes[3].parent": "'regionalism' disagrees with the id 'upgrading.functional'",
        "codes[3].definition": "is empty",
        "codes[3].examples": "expected a mapping of language to a list",
        "codes[4].parent": "parent links form a cycle: chain_a -> chain_b -> chain_a",
        "codes[6].parent": "parent 'regionalsm' does not exist; did you mean 'regionalism'?",
        "codes[6].keywords": "expected a mapping of language to a list (e.g. en: [...]), got a string",
    }
    for place, text in expected.items():
        reasons = [r for w, r in got if w == place]
        assert any(text in r for r in reasons), f"{place}: {text!r} not in {reasons}"
    # every reason carries its line, and the list is in file order
    assert all(r.endswith(")") and "(line " in r for _, r in got)
    lines = [int(r.rsplit("(line ", 1)[1].rstrip(")")) for _, r in got]
    assert lines == sorted(lines)
    assert dict(zip(where, lines, strict=True))["codes[1].keywords.zh[2]"] == 16
    # the orphan leaf lacks examples in both languages; the cycle codes are not leaves
    assert [r.split(" (")[0] for w, r in got if w == "codes[6].examples"] == [
        "needs at least 3 English examples", "needs at least 2 Chinese examples",
    ]  # fmt: skip
    assert len(got) == 19


def test_validate_data_places_and_reasons() -> None:
    data = {
        "name": "x",
        "version": "1",
        "languages": ["zh"],
        "codes": [
            {"id": "a", "label": {"en": "A"}, "definition": "group"},
            {"id": "a.b", "definition": "leaf", "examples": {"zh": ["一", "二"]}, "keywords": {"zh": ["甲", 5]},
             "negative_keywords": {"zh": ["甲"]}, "colour": "#ffffff"},
            "not a mapping",
        ],
    }  # fmt: skip
    assert validate_data(data, "x.yaml") == [
        ("codes[0].label.en", "language 'en' is not listed in languages (zh); add it there or fix the key"),
        ("codes[1].colour", "unknown key 'colour'; did you mean 'color'?"),
        ("codes[1].keywords.zh[1]", "expected a string, got a number (5)"),
        (
            "codes[1].negative_keywords.zh[0]",
            "'甲' is also a keyword (keywords.zh[0]); keep it in only one of the two lists",
        ),
        ("codes[2]", "expected a mapping with id, label and definition, got a string"),
    ]


def test_top_level_problems() -> None:
    assert validate_data(None, "") == [
        ("(file)", "the file is empty; a codebook needs at least name, version and codes")
    ]
    assert validate_data([1, 2], "")[0][0] == "(top level)"
    got = dict(validate_data({"codes": []}, ""))
    assert got == {
        "name": "missing: a short slug such as cluster-upgrading",
        "version": 'missing: a version string such as "1.0"',
        "codes": "is empty: a codebook needs at least one code",
    }


@pytest.mark.parametrize(
    "text,where,reason",
    [
        ("name: x\nversion: '1'\ncodes:\n  - id: a\n    label: {en: A\n    definition: x\n",
         "line 6, column 15", "YAML syntax error: expected ',' or '}', but got ':'"),
        ("name: x\nversion: '1'\ncodes:\n  - id: a\n\tdefinition: x\n",
         "line 5, column 1", "YAML does not allow tabs for indentation, use spaces"),
        ("name: x\nversion: '1'\ncodes:\n  - id: a\n    definition: Note: a colon\n",
         "line 5, column 21", "a value containing ': ' must be put in quotes"),
    ],
)  # fmt: skip
def test_malformed_yaml_has_line_and_column(tmp_path: Path, text: str, where: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    [(got_where, got_reason)] = problems_of(path)
    assert got_where == where and reason in got_reason


def test_gbk_file_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(SMALL.read_text(encoding="utf-8").encode("gbk"))
    [(where, reason)] = problems_of(path)
    assert where.startswith("line 9, column ")
    assert "not UTF-8" in reason and "GBK/GB18030" in reason and "Save it as UTF-8" in reason


def test_utf16_empty_missing_and_bom(tmp_path: Path) -> None:
    utf16 = tmp_path / "u16.yaml"
    utf16.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-16")
    assert problems_of(utf16) == [("(file)", "the file is UTF-16 text; save it as UTF-8 and try again")]
    empty = tmp_path / "empty.yaml"
    empty.write_text("\n  \n", encoding="utf-8")
    assert problems_of(empty)[0][1].startswith("the file is empty")
    comments = tmp_path / "comments.yaml"
    comments.write_text("# nothing but a comment\n", encoding="utf-8")
    assert problems_of(comments)[0][1].startswith("the file is empty")
    assert problems_of(tmp_path / "missing.yaml") == [("(file)", "no such file")]
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes())
    assert load_codebook(bom) == load_codebook(SMALL)


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "name: x\nversion: '1'\nlanguages: [en]\ncodes:\n  - id: a\n    definition: one\n    definition: two\n"
        "    examples: {en: [a, b, c]}\n",
        encoding="utf-8",
    )
    assert problems_of(path) == [
        (
            "codes[0].definition",
            "duplicate key 'definition' (first at line 6); YAML keeps only the last one (line 7)",
        )
    ]


def test_dump_is_lossless_and_readable(tmp_path: Path) -> None:
    cb = load_codebook(SMALL)
    out = dump_codebook(cb, tmp_path / "out.yaml")
    text = out.read_text(encoding="utf-8")
    assert "集体学习" in text and "\\u" not in text  # Chinese stays readable
    assert "    label: {en: Collective learning, zh: 集体学习}\n" in text
    assert "      - Tacit knowledge circulates among local suppliers.\n" in text  # one example per line
    again = load_codebook(out)
    assert again == cb and again.content_hash() == cb.content_hash()
    assert codebook_from_dict(codebook_to_dict(cb)) == cb
    assert codebook_to_yaml(again) == text  # stable: dumping twice gives the same text
    with pytest.raises(ExportError, match="already exists"):
        dump_codebook(cb, out, force=False)


def test_dump_handles_awkward_strings(tmp_path: Path) -> None:
    cb = load_codebook(SMALL)
    data = codebook_to_dict(cb)
    data["codes"][1]["definition"] = (
        "Line one: with a colon\n\n  indented second paragraph  \nand # not a comment"
    )
    data["codes"][1]["examples"]["en"].append("- starts like a list item, 'quotes' and \"double\"")
    data["codes"][1]["keywords"]["en"].append("*leading star")
    odd = codebook_from_dict(data)
    path = dump_codebook(odd, tmp_path / "odd.yaml")
    assert load_codebook(path) == odd


def test_bundled_codebook(codebook_path: Path) -> None:
    cb = load_codebook(codebook_path)
    assert cb.name == "cluster-upgrading"
    assert len(cb.leaves()) == 13 and len(cb.groups()) == 4
    assert {c.id for c in cb.leaves()} == SPEC_IDS
    assert {c.id for c in cb.groups()} == {"regionalism", "global", "upgrading", "context"}


def test_bundled_codebook_through_qdc(codebook_path: Path, tmp_path: Path) -> None:
    from reviewkit.refi.codebook import qdc_bytes, read_refi_codebook, validate_qdc

    cb = load_codebook(codebook_path)
    data = qdc_bytes(cb)
    assert validate_qdc(data) == []
    path = tmp_path / "cluster.qdc"
    path.write_bytes(data)
    back = read_refi_codebook(path)
    # codes come back in tree order (each group followed by its codes), with identical content
    assert {c.id: c for c in back.codes} == {c.id: c for c in cb.codes}
    assert (back.name, back.version, back.description) == (cb.name, cb.version, cb.description)


def test_documented_example_is_valid(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "codebook-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    cb = load_codebook(path)
    assert [c.id for c in cb.leaves()] == ["regionalism.collective_learning"]
    # every key the format allows is documented
    from reviewkit.codebook.convert import CODE_KEYS, TOP_KEYS

    for key in (*TOP_KEYS, *CODE_KEYS):
        assert f"| `{key}` |" in doc, key

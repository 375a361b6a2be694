"""REFI-QDA codebooks: .qdc export valid against the XSD, stable GUIDs, lossless round trip, imports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from reviewkit.codebook import load_codebook
from reviewkit.errors import CodebookError
from reviewkit.project.codebooks import export_qdc, import_codebook
from reviewkit.refi.codebook import (
    CODEBOOK_NS,
    PROJECT_NS,
    code_guid,
    codebook_element,
    qdc_bytes,
    read_refi_codebook,
    validate_qdc,
)

TESTS = Path(__file__).resolve().parent
SMALL = TESTS / "data" / "codebook-small.yaml"
NS = {"c": CODEBOOK_NS}


@pytest.fixture(scope="module")
def schema(shared_fixtures: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(shared_fixtures / "refi_qda" / "Codebook-mrt2019.xsd")))


def test_qdc_validates_against_the_xsd(tmp_path: Path, schema: etree.XMLSchema) -> None:
    cb = load_codebook(SMALL)
    out = export_qdc(cb, tmp_path / "small.qdc")
    doc = etree.parse(str(out))
    schema.assertValid(doc)
    assert validate_qdc(out.read_bytes()) == []  # the bundled copy of the XSD agrees
    top = doc.findall("c:Codes/c:Code", NS)
    assert [c.get("name") for c in top] == ["New regionalism", "Upgrading"]
    assert [c.get("isCodable") for c in top] == ["false", "false"]
    assert top[0].get("color") == "#1b9e77"
    children = top[1].findall("c:Code", NS)
    assert [c.get("name") for c in children] == ["Functional upgrading", "Product upgrading"]
    assert all(c.get("isCodable") == "true" for c in children)
    desc = children[0].findtext("c:Description", namespaces=NS)
    assert desc.startswith("The passage describes acquiring new, higher-value functions")
    assert desc.endswith("reviewkit: id=upgrading.functional; zh=功能升级")


def test_codebook_inside_a_project_validates(tmp_path: Path, shared_fixtures: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared_fixtures / "refi_qda" / "Project-mrt2019.xsd")))
    project = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS}, name="demo project")
    cb = load_codebook(SMALL)
    project.append(codebook_element(cb, namespace=PROJECT_NS))
    schema.assertValid(project)
    path = tmp_path / "demo.qde"
    path.write_bytes(etree.tostring(project, xml_declaration=True, encoding="UTF-8"))
    back = import_codebook(path)
    assert back.name == "demo-project"  # the project's name; the codebook's own name needs a .qdc
    assert [(c.id, c.parent, c.label, c.definition) for c in back.codes] == [
        (c.id, c.parent, c.label, c.definition) for c in cb.codes
    ]


def test_guids_are_stable_and_distinct(tmp_path: Path) -> None:
    cb = load_codebook(SMALL)
    first = qdc_bytes(cb)
    again = qdc_bytes(load_codebook(SMALL))
    assert first == again  # same codebook, byte-identical export
    guids = etree.fromstring(first).xpath("//c:Code/@guid", namespaces=NS)
    assert len(guids) == len(set(guids)) == 6
    assert guids[0] == code_guid("small-test", "regionalism") == "08F92653-8CE7-5AD3-A069-10F60333AE8F"
    # editing a definition keeps every GUID; another codebook name gives other GUIDs
    edited = SMALL.read_text(encoding="utf-8").replace("Codes about upgrading", "Codes about all upgrading")
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")
    assert etree.fromstring(qdc_bytes(load_codebook(path))).xpath("//c:Code/@guid", namespaces=NS) == guids
    assert code_guid("other", "regionalism") != guids[0]


def test_yaml_qdc_yaml_round_trip(tmp_path: Path) -> None:
    cb = load_codebook(SMALL)
    back = read_refi_codebook(export_qdc(cb, tmp_path / "rt.qdc"))
    assert [(c.id, c.parent) for c in back.codes] == [(c.id, c.parent) for c in cb.codes]
    for before, after in zip(cb.codes, back.codes, strict=True):
        assert after.label == before.label
        assert after.definition == before.definition
        assert (after.include, after.exclude, after.color, after.threshold) == (
            before.include, before.exclude, before.color, before.threshold
        )  # fmt: skip
        assert (after.keywords, after.negative_keywords, after.examples) == (
            before.keywords, before.negative_keywords, before.examples
        )  # fmt: skip
    assert (back.name, back.version, back.languages, back.description) == (
        cb.name, cb.version, cb.languages, cb.description
    )  # fmt: skip
    assert back.uncoded_examples == {}  # not carried by .qdc (documented)


def test_round_trip_without_english_label(tmp_path: Path) -> None:
    text = (
        "name: zh-only\nversion: '1'\nlanguages: [zh]\ncodes:\n  - id: 升级\n    label: {zh: 升级}\n"
        "    definition: '分号; 等号= 百分号% (括号)'\n    examples: {zh: [一, 二]}\n"
    )
    path = tmp_path / "zh.yaml"
    path.write_text(text, encoding="utf-8")
    cb = load_codebook(path)
    back = read_refi_codebook(export_qdc(cb, tmp_path / "zh.qdc"))
    assert back.codes == cb.codes and back.languages == ("zh",)


@pytest.mark.parametrize("name", ["skyloom_atlasti_standard_project.qde", "skyloom_TestProject.qdpx"])
def test_atlas_ti_standard_project(name: str, shared_fixtures: Path) -> None:
    cb = import_codebook(shared_fixtures / "refi_qda" / name)
    assert len(cb.codes) == 14
    assert cb.name == "atlas-ti-standard-project"
    coke = cb.get("coke")
    assert coke.definition == "the breakfast of champions" and coke.color == "#966450"
    assert [c.id for c in cb.children("coke")] == ["coke.full_fat_coke", "coke.diet_coke"]
    assert cb.get("coke.diet_coke").label == {"en": "diet Coke"}
    assert cb.get("coke.diet_coke").definition == "non sucré"
    assert cb.get("rushed").label == {"en": '"rushed"'}  # &quot; decoded
    assert cb.get("cornflakes").definition == "breakfast cereal made by Kellogg’s"
    assert len(cb.leaves()) == 13 and [g.id for g in cb.groups()] == ["coke"]


def test_ponte_target_project(shared_fixtures: Path) -> None:
    cb = import_codebook(shared_fixtures / "refi_qda" / "ponte_target-atlas-project.qdpx")
    assert len(cb.codes) == 3
    [parent] = cb.groups()
    assert (parent.id, parent.label) == ("commits", {"en": "Commits"})
    kids = cb.children("commits")
    assert [k.label["en"] for k in kids] == ["2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"]
    assert all(k.id.startswith("commits.") for k in kids)


def test_project_without_codebook(shared_fixtures: Path) -> None:
    path = shared_fixtures / "refi_qda" / "ponte_blank-atlas-project.qdpx"
    with pytest.raises(CodebookError, match="holds no codebook"):
        import_codebook(path)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"<html><body>hello</body></html>", "not a REFI-QDA codebook: the root element is <html>"),
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>", "not well-formed XML"),
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes/></CodeBook>", "has no <Code> elements"),
        (b"", "not well-formed XML"),
    ],
)
def test_xml_that_is_not_a_codebook(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.qdc"
    path.write_bytes(content)
    with pytest.raises(CodebookError, match=message):
        import_codebook(path)


def test_zip_without_project(tmp_path: Path) -> None:
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(CodebookError, match="without project.qde"):
        import_codebook(path)


def test_taguette_csv() -> None:
    cb = import_codebook(TESTS / "data" / "taguette-codebook.csv")
    assert cb.name == "taguette-codebook"
    assert [(c.id, c.parent) for c in cb.codes] == [
        ("interesting", None),
        ("interesting.surprising", "interesting"),
        ("mood", None),
        ("功能升级", None),
        ("learning_collective", None),
    ]
    assert cb.get("interesting.surprising").label == {"en": "surprising"}
    assert cb.get("interesting.surprising").definition == "Findings the authors did not expect"
    assert cb.get("功能升级").label == {"zh": "功能升级"}
    assert cb.get("learning_collective").definition == 'Learning "together" within a region'
    assert cb.languages == ("en", "zh")


def test_taguette_csv_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,description\na,b\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="no 'tag', 'name' or 'path' column"):
        import_codebook(path)
    path.write_text("name,description,parent\nchild,c,parent\n,empty,\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        import_codebook(path)
    assert info.value.problems == [("line 3", "empty name")]
    path.write_text("name,description,parent\nchild,c,parent\n", encoding="utf-8")
    cb = import_codebook(path)  # a parent named only in the parent column is created
    assert [(c.id, c.parent) for c in cb.codes] == [("parent", None), ("parent.child", "parent")]
    path.write_bytes("tag,description\n集体学习,本地学习\n".encode("gb18030"))
    assert import_codebook(path).codes[0].definition == "本地学习"

"""Build a realistic labelled screening file (ASReview's format) from real records; prints what it wrote.

Inclusions: the demo corpus of `corpus/` (industrial clusters, new regionalism, global value chains
and upgrading; English RIS, CNKI NoteExpress, the seed record). Exclusions: every other record with a
title in `../shared/fixtures` (and its `realworld/` folder), exports from many fields (public health,
restoration ecology, wildfire smoke, computing, physics ...), deduplicated by title. Exclusions on
economics, innovation, firms, regions or supply chains are counted as *near-topic*: they share
vocabulary with the inclusions, which keeps the ranking honest.

The file is written at run time into the gitignored `benchmarks/.screening/` (the records are other
people's; never commit it). Columns: title, abstract, label_included (the second-language title and
abstract of a bilingual record are appended to its title and abstract, so ASReview and reviewkit
read the same text), plus `source` and `near_topic` for inspection.

A harder task, ``--task gvc``: only the corpus records whose author keywords name global value
chains, upgrading or production networks (English or Chinese) are inclusions; the rest of the corpus
(clusters, new regionalism, learning regions ...) joins the exclusions as very near-topic records.

Usage::

    python benchmarks/make_screening_set.py            # -> benchmarks/.screening/screening_labelled.csv
    python benchmarks/make_screening_set.py --task gvc # -> benchmarks/.screening/screening_labelled_gvc.csv
    python benchmarks/make_screening_set.py --out /tmp/labelled.csv
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewkit.errors import ImportFormatError  # noqa: E402
from reviewkit.importers import read_records  # noqa: E402
from reviewkit.records import Record  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / ".screening" / "screening_labelled.csv"
SKIP_SUFFIXES = {".md", ".xsd", ".qdpx", ".qde", ".qdc"}
NEAR_TOPIC = re.compile(
    r"\b(innovation\w*|entrepreneur\w*|firms?|inter-?firm|industr\w+|supply chains?|economic\w*|"
    r"knowledge spillovers?|agglomeration|regional development|SMEs?|manufactur\w+)\b",
    re.IGNORECASE,
)


GVC = re.compile(r"value chain|upgrading|production network|价值链|升级|生产网络", re.IGNORECASE)


def _key(title: str) -> str:
    return re.sub(r"\W+", "", title.lower())


def _row(record: Record, label: int, source: str) -> dict[str, str | int]:
    title = " / ".join(t for t in (record.title, record.title_alt) if t)
    abstract = "\n".join(a for a in (record.abstract, record.abstract_alt) if a)
    near = int(label == 0 and len(set(m.lower() for m in NEAR_TOPIC.findall(f"{title} {abstract}"))) >= 1)
    return {"title": title, "abstract": abstract, "label_included": label, "source": source, "near_topic": near}


def build(fixtures: Path, task: str = "clusters") -> tuple[list[dict[str, str | int]], dict[str, int]]:
    """Read the corpus (inclusions) and every fixture (exclusions); return rows and counts.

    Args:
        fixtures: the shared fixtures folder.
        task: ``clusters`` (the whole corpus is included) or ``gvc`` (only its value-chain and
            upgrading records; the rest of the corpus is excluded, as near-topic).
    """
    rows: list[dict[str, str | int]] = []
    seen: set[str] = set()
    counts = {"included": 0, "excluded": 0, "near_topic": 0, "no_abstract": 0, "files": 0, "unreadable": 0}
    for path in sorted((ROOT / "corpus").iterdir()):
        if path.suffix in {".ris", ".net", ".txt"}:
            for rec in read_records(path).records:
                if rec.title and _key(rec.title) not in seen:
                    seen.add(_key(rec.title))
                    label = int(task == "clusters" or any(GVC.search(k) for k in rec.keywords))
                    row = _row(rec, label, f"corpus/{path.name}")
                    if not label:
                        row["near_topic"] = 1
                        counts["near_topic"] += 1
                        counts["excluded"] += 1
                    rows.append(row)
                    counts["included"] += label
    for path in sorted(p for p in fixtures.rglob("*") if p.is_file() and p.suffix.lower() not in SKIP_SUFFIXES):
        try:
            result = read_records(path, skip_bad=True)
        except ImportFormatError:
            counts["unreadable"] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - an importer bug must not stop the benchmark; reported
            print(f"importer failed on {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            counts["unreadable"] += 1
            continue
        counts["files"] += 1
        for rec in result.records:
            k = _key(rec.title)
            if len(k) < 10 or k in seen or "loremipsum" in _key(rec.abstract):
                continue
            seen.add(k)
            row = _row(rec, 0, str(path.relative_to(fixtures)))
            rows.append(row)
            counts["excluded"] += 1
            counts["near_topic"] += int(row["near_topic"])
            counts["no_abstract"] += int(not rec.abstract)
    return rows, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT.parent / "shared" / "fixtures")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--task", choices=["clusters", "gvc"], default="clusters")
    args = parser.parse_args()
    if args.out is None:
        args.out = DEFAULT_OUT if args.task == "clusters" else DEFAULT_OUT.with_name("screening_labelled_gvc.csv")
    if not args.fixtures.is_dir():
        sys.exit(f"no fixtures folder at {args.fixtures}; give --fixtures")
    rows, counts = build(args.fixtures, args.task)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["title", "abstract", "label_included", "source", "near_topic"])
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"{args.out}: {len(rows)} records, {counts['included']} included ({counts['included'] / len(rows):.1%}), "
        f"{counts['excluded']} excluded ({counts['files']} fixture files) "
        f"({counts['near_topic']} near-topic, {counts['no_abstract']} without abstract; "
        f"{counts['unreadable']} files unreadable)"
    )


if __name__ == "__main__":
    main()

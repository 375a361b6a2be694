"""Provides invented but realistic report facts for the demo, the docs' screenshot and the tests.

The numbers are made up (they add up: the PRISMA flow passes `check()`); the later wiring replaces
this module's role with facts read from a project file.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from reviewkit.report.facts import (
    AutoCodingFacts,
    CodeAgreement,
    CodebookFacts,
    CodeFacts,
    CodeValidation,
    DedupeFacts,
    HumanReviewFacts,
    PrismaCounts,
    ReportFacts,
    ScreeningFacts,
    SourceFacts,
    TrendCell,
    TrendFacts,
    ValidationFacts,
)

_CODES = (
    ("regionalism.learning", "Collective learning", "集体学习",
     "Knowledge shared among co-located firms through labour mobility, imitation and informal contact."),
    ("regionalism.trust", "Trust and social capital", "信任与社会资本",
     "Cooperation in a district rests on trust, reputation and shared norms."),
    ("regionalism.institutions", "Local institutions", "地方制度",
     "Associations, local government and service centres that support the firms of a district."),
    ("global.governance", "Value-chain governance", "价值链治理",
     "How lead firms coordinate suppliers: market, modular, relational, captive or hierarchy."),
    ("global.buyers", "Global buyers", "全球采购商",
     "Retailers and branded marketers that source from clusters and set their terms."),
    ("upgrading.process", "Process upgrading", "工艺升级",
     "Producing more efficiently by reorganising production or adopting better technology."),
    ("upgrading.product", "Product upgrading", "产品升级",
     "Moving into more sophisticated products with higher unit value."),
    ("upgrading.functional", "Functional upgrading", "功能升级",
     "Taking on new functions in the chain, such as design, branding or marketing."),
    ("upgrading.chain", "Chain upgrading", "链条升级",
     "Applying competences acquired in one chain to move into another sector."),
)  # fmt: skip

_PERIODS = ("1990-1994", "1995-1999", "2000-2004", "2005-2009", "2010-2015")
_REVIEWED = (9, 14, 19, 23, 21)
_CODED = {
    "regionalism": (8, 12, 14, 9, 4),
    "global": (1, 4, 11, 20, 18),
    "upgrading": (0, 2, 6, 19, 17),
}


def example_prisma() -> PrismaCounts:
    """A consistent flow: three database exports, a full-text stage with three exclusion reasons."""
    return PrismaCounts(
        databases=(("Web of Science Core Collection", 412), ("Scopus", 365), ("CNKI 中国知网", 118)),
        duplicates_automatic=203,
        duplicates_manual=17,
        removed_other=4,
        screened=671,
        excluded_screening=502,
        sought=169,
        not_retrieved=6,
        assessed=163,
        excluded_reasons=(("wrong topic", 21), ("not a research article", 9), ("wrong study type", 5)),
        included=128,
    )


def example_facts() -> ReportFacts:
    """Facts of an invented cluster-upgrading review: screening, double coding, trends."""
    codes = tuple(CodeFacts(i, en, zh, d) for i, en, zh, d in _CODES)
    thresholds = tuple((c.id, t) for c, t in zip(codes, (0.31, 0.27, 0.33, 0.29, 0.35, 0.26, 0.28, 0.24, 0.38),
                                                 strict=True))  # fmt: skip
    validation = ValidationFacts(
        gold_file="gold-cluster-upgrading.jsonl",
        passages=642,
        macro_f1=0.71,
        micro_f1=0.76,
        mean_kappa=0.66,
        per_code=(
            CodeValidation("regionalism.learning", 58, 0.79, 0.74, 0.76, 0.72),
            CodeValidation("regionalism.trust", 41, 0.68, 0.80, 0.74, 0.70),
            CodeValidation("global.governance", 64, 0.83, 0.78, 0.80, 0.77),
            CodeValidation("upgrading.functional", 37, 0.61, 0.57, 0.59, 0.52),
            CodeValidation("upgrading.chain", 6, 0.50, 0.33, 0.40, 0.38),
        ),
    )
    agreement = (
        CodeAgreement("regionalism.learning", 214, 0.78, 0.77, 0.94, "substantial"),
        CodeAgreement("regionalism.trust", 214, 0.69, 0.68, 0.92, "substantial"),
        CodeAgreement("global.governance", 214, 0.84, 0.84, 0.96, "almost perfect"),
        CodeAgreement("upgrading.functional", 214, 0.57, 0.56, 0.91, "moderate"),
        CodeAgreement("upgrading.chain", 214, 0.36, 0.35, 0.97, "fair"),
    )
    cells = tuple(
        TrendCell(period, group, reviewed, coded[i])
        for group, coded in _CODED.items()
        for i, (period, reviewed) in enumerate(zip(_PERIODS, _REVIEWED, strict=True))
    )
    return ReportFacts(
        project="cluster-upgrading",
        generated_on=date(2026, 11, 30),
        reviewkit_version="0.1.0",
        sources=(
            SourceFacts("Web of Science Core Collection", "savedrecs.txt", "wos", date(2026, 10, 5), 412),
            SourceFacts("Scopus", "scopus.csv", "csv", date(2026, 10, 5), 365),
            SourceFacts("CNKI 中国知网", "CNKI-export.net", "cnki", date(2026, 10, 7), 118, skipped=4),
        ),
        documents=671,
        dedupe=DedupeFacts(
            rule=(
                "Records sharing a DOI were merged automatically, as were records whose normalised titles, "
                "first authors and publication years matched; pairs with similar titles were shown to a "
                "reviewer, who merged or kept them"
            ),
            automatic=203,
            manual=17,
            candidates_kept=11,
        ),
        screening=ScreeningFacts(
            reviewers=("alice", "bob"),
            blind=True,
            records_total=671,
            screened=671,
            included=169,
            excluded=502,
            double_screened=134,
            kappa=0.81,
            kappa_band="almost perfect",
            conflicts_resolved=7,
            ranked=True,
            full_text=True,
        ),
        prisma=example_prisma(),
        codebook=CodebookFacts("cluster-upgrading", "1.0", codes),
        auto_coding=AutoCodingFacts(
            model="all-MiniLM-L6-v2",
            tagger_version="1.1",
            passages=1187,
            suggestions=1493,
            thresholds=thresholds,
            decisions_learnt=2310,
            validation=validation,
        ),
        review=HumanReviewFacts(
            coders=("alice", "bob"),
            blind=True,
            documents_reviewed=86,
            documents_total=128,
            passages_reviewed=802,
            passages_total=1187,
            overlap_documents=26,
            agreement=agreement,
            disagreements_resolved=31,
            disagreements_unresolved=5,
        ),
        trends=TrendFacts(
            rule="consensus",
            cells=cells,
            groups=(
                ("regionalism", "New regionalism"),
                ("global", "Global value chains"),
                ("upgrading", "Upgrading"),
            ),  # fmt: skip
            documents_unreviewed=42,
        ),
        unreviewed_suggestions=388,
        few_positives=(("upgrading.chain", 6), ("global.buyers", 8)),
        few_positives_below=10,
    )


if __name__ == "__main__":  # python -m reviewkit.report.example methods.html (or .md): the demo report
    from reviewkit.report.methods import write_methods

    write_methods(example_facts(), Path(sys.argv[1] if len(sys.argv) > 1 else "methods.html"))

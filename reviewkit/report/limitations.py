"""Provides the limitations paragraph of the methods section, generated sentence by sentence from the facts.

Each sentence has a key and is written only when its fact holds, so a test can check both ways.
"""

from __future__ import annotations

from reviewkit.report.facts import LOW_AGREEMENT_BANDS, ReportFacts
from reviewkit.report.text import dec, num, plural, were, words

KEYS = (
    "unscreened",
    "stopped-early",
    "unreviewed-documents",
    "unresolved",
    "unreviewed-suggestions",
    "no-agreement",
    "low-agreement",
    "few-positives",
    "no-validation",
)
"""Every limitation the generator knows, in the order the paragraph states them."""


def limitations(facts: ReportFacts) -> list[tuple[str, str]]:
    """The limitations that hold for `facts`, as (key, sentence) in the order of `KEYS`."""
    out: list[tuple[str, str]] = []
    s = facts.screening
    if s is None:
        out.append((
            "unscreened",
            f"Records were not screened for eligibility, so off-topic records may remain among the "
            f"{num(facts.documents)} documents that were coded.",
        ))  # fmt: skip
    elif s.stop is not None:
        out.append((
            "stopped-early",
            f"Screening was stopped before every record was screened (rule: {s.stop.rule}): the "
            f"{plural(s.stop.not_screened, 'record')} left unscreened {were(s.stop.not_screened)} excluded without a "
            f"reviewer reading them, so relevant records among them would have been missed.",
        ))  # fmt: skip
    elif s.screened < s.records_total:
        out.append((
            "unscreened",
            f"Of the {num(s.records_total)} records, {num(s.records_total - s.screened)} {were(s.records_total - s.screened)} not screened "
            f"for eligibility.",
        ))  # fmt: skip
    r = facts.review
    if r.documents_reviewed < r.documents_total:
        out.append((
            "unreviewed-documents",
            f"Of the {num(r.documents_total)} coded documents, {num(r.documents_total - r.documents_reviewed)} "
            f"{were(r.documents_total - r.documents_reviewed)} not fully reviewed; they enter no share of the "
            f"trends.",
        ))  # fmt: skip
    if r.disagreements_unresolved:
        out.append((
            "unresolved",
            f"When this report was generated, {plural(r.disagreements_unresolved, 'disagreement')} between "
            f"coders remained unresolved.",
        ))  # fmt: skip
    if facts.unreviewed_suggestions:
        out.append((
            "unreviewed-suggestions",
            f"The tagger's {plural(facts.unreviewed_suggestions, 'suggestion')} that no coder had accepted or "
            f"rejected count in no figure reported here.",
        ))  # fmt: skip
    if not r.agreement:
        out.append((
            "no-agreement",
            "The coding rests on a single coder's judgement: inter-coder agreement could not be assessed."
            if len(r.coders) < 2
            else "Inter-coder agreement could not be assessed, as no document was reviewed by every coder.",
        ))  # fmt: skip
    low = [a for a in r.agreement if a.band in LOW_AGREEMENT_BANDS]
    if low:
        items = [f"{a.code} (κ = {dec(a.kappa)}, {a.band})" for a in low]
        out.append((
            "low-agreement",
            f"Agreement between coders was low for {words(items)}; findings on "
            f"{'this code' if len(low) == 1 else 'these codes'} should be read with caution.",
        ))  # fmt: skip
    if facts.few_positives:
        items = [f"{code} ({plural(n, 'passage')})" for code, n in facts.few_positives]
        below = f" fewer than {num(facts.few_positives_below)}" if facts.few_positives_below else " few"
        out.append((
            "few-positives",
            f"Some codes had{below} accepted passages — {words(items)} — too few for stable agreement or "
            f"validation figures.",
        ))  # fmt: skip
    if facts.auto_coding.validation is None:
        out.append((
            "no-validation",
            "The automatic coding was not validated against a hand-coded gold file, so its precision and "
            "recall are unknown; the shares reported here rest on the coders' decisions only.",
        ))  # fmt: skip
    return out


def limitations_text(facts: ReportFacts) -> str:
    """The limitations paragraph (a fixed sentence when none holds)."""
    found = limitations(facts)
    if not found:
        return (
            "The project records none of the limitations reviewkit checks for: every record was screened "
            "and every document reviewed, no disagreement or suggestion was left open, no code had low "
            "agreement or few positives, and the automatic coding was validated."
        )
    return " ".join(sentence for _, sentence in found)

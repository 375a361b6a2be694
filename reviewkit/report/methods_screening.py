"""Provides the Screening section of the methods report (`screening_blocks`), an early stop included."""

from __future__ import annotations

from reviewkit.report.blocks import Block, FigureRef, Heading, Paragraph
from reviewkit.report.facts import ReportFacts, ScreeningStopFacts
from reviewkit.report.text import dec, num, plural, were, words


def _stop_text(stop: ScreeningStopFacts, total: int, screened: int) -> str:
    """The sentence on an early stop of title/abstract screening (and decisions made after it)."""
    text = (
        f" Screening was stopped on {stop.stopped_on.isoformat()} by {stop.lead} after {num(stop.screened)} of "
        f"{plural(total, 'record')} ({num(stop.since_last_inclusion)} since the last inclusion; rule: {stop.rule}"
        f"{'' if stop.rule_met else ', not yet reached'}); "
        f"the remaining {plural(stop.not_screened, 'record')} {were(stop.not_screened)} not screened and "
        f"{'are' if stop.not_screened != 1 else 'is'} counted as excluded by automation tools."
    )
    if screened > stop.screened:
        text += f" {plural(screened - stop.screened, 'further record')} {were(screened - stop.screened)} decided after the stop."
    return text


def screening_blocks(f: ReportFacts) -> list[Block]:
    """The Screening section: who screened and how, κ, an early stop, the full-text stage and the PRISMA figure."""
    s = f.screening
    out: list[Block] = [Heading(2, "Screening")]
    if s is None:
        out.append(
            Paragraph(f"Records were not screened in reviewkit: all {num(f.documents)} documents were coded.")
        )
        return out
    which = (
        f"all {plural(s.records_total, 'record')}"
        if s.screened == s.records_total
        else f"{num(s.screened)} of the {plural(s.records_total, 'record')}"
    )
    text = (
        f"The titles and abstracts of {which} were screened against the eligibility criteria by "
        f"{words(list(s.reviewers))}"
    )
    text += (
        ", independently and blind to each other's decisions." if s.blind and len(s.reviewers) > 1 else "."
    )
    if s.ranked and s.stop is None:
        text += (
            " Records were presented in order of predicted relevance, from a model retrained after every "
            "decision; the reviewers decided when to stop, and the model excluded no record by itself."
        )
    elif s.ranked:
        text += (
            " Records were presented in order of predicted relevance, from a model retrained after every "
            "decision, with a stopping aid shown to the reviewers (never enforced)."
        )
    if s.double_screened:
        text += f" Two reviewers screened {plural(s.double_screened, 'record')} independently"
        if s.kappa is not None:
            band = f" ({s.kappa_band} agreement)" if s.kappa_band else ""
            text += f"; Cohen's κ for their include/exclude decisions was {dec(s.kappa)}{band}"
        text += "."
        if s.conflicts_resolved:
            text += f" A lead reviewer resolved {plural(s.conflicts_resolved, 'conflict')}."
    text += f" At this stage, {num(s.included)} records were included and {num(s.excluded)} excluded."
    if s.stop is not None:
        text += _stop_text(s.stop, s.records_total, s.screened)
    out.append(Paragraph(text))
    p = f.prisma
    if p is not None and s.full_text:
        reasons = [f"{reason}, n = {num(n)}" for reason, n in p.excluded_reasons]
        out.append(
            Paragraph(
                f"The full texts of {plural(p.sought, 'report')} were sought; {num(p.not_retrieved)} could not "
                f"be retrieved. Of the {num(p.assessed)} reports assessed for eligibility, "
                f"{num(p.excluded_eligibility)} were excluded"
                + (f" ({'; '.join(reasons)})" if reasons else "")
                + f", and {plural(p.included, 'study', 'studies')} {were(p.included)} included in the review."
            )
        )
    if p is not None:
        out.append(
            FigureRef(
                "prisma",
                "PRISMA 2020 flow diagram of the identification, screening and inclusion of studies.",
                "PRISMA 2020 flow diagram",
            )
        )
    return out

"""Answers that help (DESIGN.md §7, "Triage learns"; docs/triage.md): when an
official writes a follow-up or a final answer, the answers their own agency gave to
the most similar closed reports, as starting points. Offered only; nothing is sent
without the official submitting the form.

What is never offered: another agency's words; anything to someone who may not act
on the report (the public, a citizen, a supervisor, staff without the second
factor, another agency's staff); answers to confidential reports (a confidential
case's answer may tell its circumstances); and an answer that names its own
reporter (any word of four letters or more of the reporter's name): a draft must
not carry another citizen's identity into a new case.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from aduan.reports.models import Action, Report, ReportEvent, State
from aduan.reports.policy import Actor, can, visible_q
from aduan.triage.duplicates import POOL, matching_ids, query_terms, stems, text_similarity

# A closed report sharing fewer words than this with the report is not similar
# enough for its answer to help.
MIN_SIMILARITY = 0.25
_NAME_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True, slots=True)
class Draft:
    """An earlier answer of the actor's agency (``text``), to the closed ``report``,
    how similar that report is to this one (0–1), and whether it was the final
    answer (``final``) or a follow-up."""

    text: str
    report: Report
    similarity: float
    final: bool

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def answer_drafts(*, actor: Actor, report: Report, limit: int = 3) -> list[Draft]:
    """Up to ``limit`` answers the actor's agency gave to the closed reports most
    like ``report``, most similar first; none unless the deployment offers them and
    the actor may follow the report up."""
    if not settings.TRIAGE_ANSWER_DRAFTS or actor.agency_id is None:
        return []
    if not can(actor, Action.FOLLOW_UP, report):
        return []
    closed = (
        Report.objects.filter(visible_q(actor))
        .filter(agency_id=actor.agency_id, state=State.CLOSED, is_confidential=False)
        .exclude(pk=report.pk)
    )
    ids = matching_ids(closed, query_terms(f"{report.title} {report.body}"), limit=POOL)
    if not ids:
        return []
    mine = stems(f"{report.title} {report.body}")
    similar = {
        other.pk: (other, text_similarity(mine, stems(f"{other.title} {other.body}")))
        for other in Report.objects.filter(pk__in=ids).select_related("reporter")
    }
    events = ReportEvent.objects.filter(
        report_id__in=[pk for pk, (_r, s) in similar.items() if s >= MIN_SIMILARITY],
        action__in=(Action.FOLLOW_UP, Action.ANSWER),
        actor_agency_id=actor.agency_id,
    ).order_by("report_id", "-created_at", "-id")
    # Per report its final answer, else its latest follow-up. A final answer given
    # as the first follow-up is two events at one moment, the text on the first.
    chosen: dict[int, tuple[str, bool]] = {}
    finals: dict[int, set[object]] = {}
    for event in events:
        if event.action == Action.ANSWER:
            finals.setdefault(event.report_id, set()).add(event.created_at)
        final = event.action == Action.ANSWER or event.created_at in finals.get(
            event.report_id, set()
        )
        kept = chosen.get(event.report_id)
        if event.body.strip() and (kept is None or (final and not kept[1])):
            chosen[event.report_id] = (event.body.strip(), final)
    drafts: list[Draft] = []
    seen: set[str] = set()
    for report_id, (text, final) in chosen.items():
        other, similarity = similar[report_id]
        if text in seen or _names_reporter(text, other):
            continue
        seen.add(text)
        drafts.append(Draft(text, other, similarity, final=final))
    drafts.sort(key=lambda d: (-d.similarity, -d.report.pk))
    return drafts[:limit]


def _names_reporter(text: str, report: Report) -> bool:
    """Does the answer carry a word of its reporter's name?"""
    name = report.reporter.name if report.reporter_id else ""
    lowered = text.lower()
    return any(
        re.search(rf"\b{re.escape(part.lower())}\b", lowered) for part in _NAME_WORD.findall(name)
    )

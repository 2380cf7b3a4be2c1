"""The written documents of a case, as PDFs with the bureau's details (Administrative
Licensing Law Arts. 32, 38 and 40: every acceptance, gap and decision is told in writing).

``available_documents(case)`` says which apply given the case's history, in the order
they were issued; ``render(case, kind)`` builds one. The same functions serve the portal
(the applicant's own cases) and the workbench.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import Material
from tongban.core.pdf import Section, build_document

from .models import Case, CaseMaterial, RefusalRequest, SupplementRequest
from .queries import newest_event

RECEIPT = "receipt"
SUPPLEMENT = "supplement"
ACCEPTANCE = "acceptance"
TOLERANT_ACCEPTANCE = "tolerant_acceptance"
NON_ACCEPTANCE = "non_acceptance"
APPROVAL = "approval"
DENIAL = "denial"

KINDS = (RECEIPT, SUPPLEMENT, ACCEPTANCE, TOLERANT_ACCEPTANCE, NON_ACCEPTANCE, APPROVAL, DENIAL)

SHA_PREFIX = 12  # enough to match a file against the one received, short enough to read


class NotAvailable(LookupError):
    """This document does not (yet) exist for this case (the portal answers 404)."""


def title(kind: str) -> str:
    """The document's name, as printed on it and on the links to it."""
    return {
        RECEIPT: _("Receipt of application"),
        SUPPLEMENT: _("Notice to supplement materials"),
        ACCEPTANCE: _("Notice of acceptance"),
        TOLERANT_ACCEPTANCE: _("Notice of acceptance with deferred materials"),
        NON_ACCEPTANCE: _("Decision not to accept the application"),
        APPROVAL: _("Decision to grant the administrative licence"),
        DENIAL: _("Decision not to grant the administrative licence"),
    }[kind]


# ---------------------------------------------------------------- which apply


def _confirmed_refusal(case: Case, kind: str) -> RefusalRequest | None:
    return (
        case.refusals.filter(kind=kind, outcome=RefusalRequest.Outcome.CONFIRMED)
        .order_by("-decided_at", "-pk")
        .first()
    )


def available_documents(case: Case) -> list[str]:
    """The documents this case has had issued so far, in the order they were issued."""
    if not case.code or case.submitted_at is None:
        return []
    done = set(case.events.values_list("action", flat=True))
    stages = set(case.supplements.values_list("stage", flat=True))
    refused = set(
        case.refusals.filter(outcome=RefusalRequest.Outcome.CONFIRMED).values_list(
            "kind", flat=True
        )
    )
    kinds = [RECEIPT]
    if SupplementRequest.Stage.BEFORE_ACCEPTANCE in stages:
        kinds.append(SUPPLEMENT)
    if done & {"accept", "accept_on_commitment"}:
        kinds.append(ACCEPTANCE)
    if "accept_tolerant" in done:
        kinds.append(TOLERANT_ACCEPTANCE)
    if RefusalRequest.Kind.NON_ACCEPTANCE in refused:
        kinds.append(NON_ACCEPTANCE)
    if "approve" in done:
        kinds.append(APPROVAL)
    if "deny" in done or RefusalRequest.Kind.DENIAL in refused:
        kinds.append(DENIAL)
    return kinds


# ---------------------------------------------------------------- pieces


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _day(moment: dt.datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else "—"


def _due(case: Case, moment: dt.datetime | None) -> str:
    """A deadline as the applicant reads it: a date, or a time for limits in hours."""
    if moment is None:
        return "—"
    text = _when(moment) if case.limit_unit == "working_hours" else _day(moment)
    if case.due_estimated:
        text += _(
            " (estimated: part of the period falls in a year whose holiday schedule is not "
            "yet published)"
        )
    return text


def _applicant_lines(case: Case) -> list[str]:
    applicant = case.applicant
    lines = [_("Applicant: %(name)s") % {"name": applicant.name}]
    if applicant.identifier_display:
        lines.append(_("Identifier: %(id)s") % {"id": applicant.identifier_display})
    if case.on_behalf and case.submitted_by is not None:
        lines.append(_("Filed on the applicant's behalf by: %(who)s") % {"who": case.submitted_by})
    return lines


def _case_section(case: Case) -> Section:
    lines = [
        _("Case code: %(code)s") % {"code": case.code},
        _("Service: %(name)s (%(impl)s)")
        % {"name": case.item_version.name, "impl": case.item.impl_code},
        *_applicant_lines(case),
        _("Submitted: %(when)s via %(channel)s")
        % {"when": _when(case.submitted_at), "channel": case.get_channel_display()},
    ]
    return Section(_("The application"), lines)


def _issuer(case: Case) -> Section:
    """The bureau's details: where to go, whom to call, and who decides."""
    point = case.service_point or case.pickup_point
    lines = [_("Deciding agency: %(name)s") % {"name": case.deciding_agency.name}]
    if point is not None:
        lines.append(_("Service point: %(name)s") % {"name": point.name})
        if point.address:
            lines.append(_("Address: %(address)s") % {"address": point.address})
        if point.phone:
            lines.append(_("Telephone: %(phone)s") % {"phone": point.phone})
    else:
        if case.deciding_agency.address:
            lines.append(_("Address: %(address)s") % {"address": case.deciding_agency.address})
        if case.deciding_agency.phone:
            lines.append(_("Telephone: %(phone)s") % {"phone": case.deciding_agency.phone})
    lines.append(_("Government service hotline: 12345"))
    return Section(_("Issued by"), lines)


def _materials_at(case: Case, moment: dt.datetime | None) -> list[CaseMaterial]:
    """The files as they stood at ``moment``: the latest one per material by then."""
    rows = case.materials.select_related("material").order_by("uploaded_at", "pk")
    if moment is not None:
        rows = rows.filter(uploaded_at__lte=moment)
    latest: dict[object, CaseMaterial] = {}
    for row in rows:
        latest[row.material_id or f"file-{row.pk}"] = row
    return sorted(
        latest.values(),
        key=lambda m: (m.material.order if m.material else 10_000, m.uploaded_at),
    )


def _materials_section(case: Case, moment: dt.datetime | None) -> Section:
    lines = [
        _("%(number)d. %(name)s — file %(file)s, SHA-256 %(sha)s…, received %(when)s")
        % {
            "number": number,
            "name": str(received),
            "file": received.original_name,
            "sha": received.sha256[:SHA_PREFIX],
            "when": _when(received.uploaded_at),
        }
        for number, received in enumerate(_materials_at(case, moment), start=1)
    ]
    verifiable = [m.name for m in _guide_materials(case) if m.verifiable]
    if verifiable:
        lines.append(
            _("Obtained from shared data, nothing to submit: %(names)s")
            % {"names": "；".join(verifiable)}
        )
    return Section(_("Materials received"), lines or [_("No files were received.")])


def _guide_materials(case: Case) -> list[Material]:
    from tongban.catalog.guide import IncompleteAnswers, guide_for

    try:
        return guide_for(case.item_version, case.answers).materials
    except IncompleteAnswers:
        return []


def _remedies(case: Case) -> Section:
    """Art. 38 and 40: a refusal names the ways to challenge it."""
    return Section(
        _("Remedies"),
        [
            _(
                "If you disagree with this decision, you may apply for administrative "
                "reconsideration (行政复议) within 60 days of receiving it, or bring an "
                "administrative lawsuit (行政诉讼) before a people's court within 6 months "
                "of receiving it."
            ),
            _("Questions about this decision: %(agency)s, or the hotline 12345.")
            % {"agency": case.deciding_agency.name},
        ],
    )


def _signature(case: Case, moment: dt.datetime | None) -> Section:
    return Section(
        _("Seal"),
        [
            _("%(agency)s (seal)") % {"agency": case.deciding_agency.name},
            _("Date: %(date)s") % {"date": _day(moment)},
        ],
    )


# ---------------------------------------------------------------- the documents


def _receipt(case: Case) -> tuple[list[Section], dt.datetime | None]:
    sections = [
        _case_section(case),
        _materials_section(case, case.submitted_at),
        Section(
            _("What happens next"),
            [
                _(
                    "Within 5 working days you will be told whether the application is "
                    "accepted, or, at once, everything that still needs correcting. By: "
                    "%(due)s."
                )
                % {"due": _day(case.acceptance_due)},
                _("Keep this receipt: its case code lets you follow the case online."),
            ],
        ),
    ]
    return sections, case.submitted_at


def _latest_supplement(case: Case, stage: str) -> SupplementRequest:
    request = (
        case.supplements.filter(stage=stage)
        .prefetch_related("materials")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if request is None:
        raise NotAvailable(stage)
    return request


def _supplement(case: Case) -> tuple[list[Section], dt.datetime | None]:
    request = _latest_supplement(case, SupplementRequest.Stage.BEFORE_ACCEPTANCE)
    problems = request.problems or {}
    gaps = []
    number = 0
    for material in sorted(request.materials.all(), key=lambda m: (m.order, m.pk)):
        number += 1
        line = f"{number}. {material.name}"
        if problems.get(str(material.pk)):
            line += _(": %(problem)s") % {"problem": problems[str(material.pk)]}
        gaps.append(line)
    for condition in request.conditions:
        number += 1
        gaps.append(f"{number}. {condition}")
    if request.note:
        gaps.append(request.note)
    sections = [
        _case_section(case),
        Section(_("Everything that needs correcting"), gaps),
        Section(
            _("Why you are told all at once"),
            [
                _(
                    "Under Article 32 of the Administrative Licensing Law, everything that "
                    "needs correcting is told at once, within 5 working days of receiving "
                    "the application; otherwise the application counts as accepted from "
                    "the day it was received. Nothing beyond this list may be asked of you."
                ),
                _(
                    "Until you supply these, the acceptance period is paused. Upload them "
                    "under “My cases” or bring them to the service point."
                ),
                _("Notice issued: %(when)s") % {"when": _when(request.requested_at)},
            ],
        ),
    ]
    return sections, request.requested_at


def _acceptance(case: Case) -> tuple[list[Section], dt.datetime | None]:
    lines = [
        _("Your application was accepted on %(when)s.") % {"when": _when(case.accepted_at)},
        _("Promised time limit: %(limit)s %(unit)s, counted from the next working day.")
        % {"limit": case.promised_limit, "unit": case.get_limit_unit_display()},
        _("Decision promised by: %(due)s") % {"due": _due(case, case.promised_due)},
        _("Statutory deadline: %(due)s") % {"due": _due(case, case.statutory_due)},
        _(
            "The time of special procedures (hearing, testing, expert review…) is not "
            "counted; you will be told if one is needed."
        ),
    ]
    if hasattr(case, "commitment"):
        lines.append(
            _(
                "Accepted on your signed commitment (告知承诺) in place of proof; the "
                "agency checks it by %(date)s. A false commitment ends the case or revokes "
                "its result."
            )
            % {"date": case.commitment.check_due.isoformat()}
        )
    sections = [
        _case_section(case),
        Section(_("Acceptance"), lines),
        _materials_section(case, case.accepted_at),
    ]
    return sections, case.accepted_at


def _tolerant(case: Case) -> tuple[list[Section], dt.datetime | None]:
    request = _latest_supplement(case, SupplementRequest.Stage.DEFERRED)
    deferred = [
        f"{number}. {material.name}"
        for number, material in enumerate(
            sorted(request.materials.all(), key=lambda m: (m.order, m.pk)), start=1
        )
    ]
    sections = [
        _case_section(case),
        Section(
            _("Acceptance with deferred materials (容缺受理)"),
            [
                _("Your application was accepted on %(when)s; its main materials are complete.")
                % {"when": _when(case.accepted_at)},
                _("Decision promised by: %(due)s") % {"due": _due(case, case.promised_due)},
            ],
        ),
        Section(_("Materials to supply later"), deferred),
        Section(
            _("Due date and consequence"),
            [
                _("Supply these by %(date)s.") % {"date": _day(request.due)},
                _(
                    "If they have not arrived by then, the handling of this application ends "
                    "and the case is terminated; you would have to apply again."
                ),
            ],
        ),
        _materials_section(case, case.accepted_at),
    ]
    return sections, request.requested_at


def _non_acceptance(case: Case) -> tuple[list[Section], dt.datetime | None]:
    refusal = _confirmed_refusal(case, RefusalRequest.Kind.NON_ACCEPTANCE)
    if refusal is None:
        raise NotAvailable(NON_ACCEPTANCE)
    sections = [
        _case_section(case),
        Section(
            _("Decision"),
            [_("Your application is not accepted, for the following reasons:"), refusal.reason],
        ),
        _remedies(case),
    ]
    return sections, refusal.decided_at


def _approval(case: Case) -> tuple[list[Section], dt.datetime | None]:
    event = newest_event(case, "approve")
    if event is None:
        raise NotAvailable(APPROVAL)
    lines = [
        _(
            "Having reviewed your application under the law, %(agency)s decides to grant "
            "the administrative licence “%(name)s”."
        )
        % {"agency": case.deciding_agency.name, "name": case.item_version.name},
    ]
    if event.note:
        lines.append(event.note)
    pickup = case.pickup_point or case.service_point
    if pickup is not None:
        lines.append(
            _("Collect the result at %(point)s, %(address)s, bringing your identity document.")
            % {"point": pickup.name, "address": pickup.address}
        )
    sections = [_case_section(case), Section(_("Decision"), lines)]
    return sections, event.at


def _denial(case: Case) -> tuple[list[Section], dt.datetime | None]:
    event = newest_event(case, "deny")
    if event is not None:
        reason, at = event.note, event.at
    else:
        refusal = _confirmed_refusal(case, RefusalRequest.Kind.DENIAL)
        if refusal is None:
            raise NotAvailable(DENIAL)
        reason, at = refusal.reason, refusal.decided_at
    sections = [
        _case_section(case),
        Section(
            _("Decision"),
            [
                _("%(agency)s decides not to grant the administrative licence, because:")
                % {"agency": case.deciding_agency.name},
                reason,
            ],
        ),
        _remedies(case),
    ]
    return sections, at


BUILDERS = {
    RECEIPT: _receipt,
    SUPPLEMENT: _supplement,
    ACCEPTANCE: _acceptance,
    TOLERANT_ACCEPTANCE: _tolerant,
    NON_ACCEPTANCE: _non_acceptance,
    APPROVAL: _approval,
    DENIAL: _denial,
}


def render(case: Case, kind: str) -> bytes:
    """The PDF of one document of ``case``; ``NotAvailable`` if the case has none such."""
    if kind not in BUILDERS or kind not in available_documents(case):
        raise NotAvailable(kind)
    sections, issued_at = BUILDERS[kind](case)
    sections += [_issuer(case), _signature(case, issued_at)]
    subtitle = _("%(agency)s · case %(code)s") % {
        "agency": case.deciding_agency.name,
        "code": case.code,
    }
    footer = _(
        "Generated on %(date)s by tongban from the case record. Check it with the case code "
        "on the portal's progress page."
    ) % {"date": timezone.localdate().isoformat()}
    return build_document(title(kind), subtitle, sections, footer)


def filename(case: Case, kind: str) -> str:
    return f"{case.code}-{kind}.pdf"

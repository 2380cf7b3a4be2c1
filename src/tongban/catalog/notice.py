"""The one-time notification (一次性告知) of an item for a set of situation answers:
everything that applies, nothing that does not — as sections, and as a PDF."""

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.pdf import Section, build_document

from .guide import Guide


def notice_sections(guide: Guide) -> list[Section]:
    version = guide.version
    unit = version.get_promised_limit_unit_display()
    sections = []
    if guide.answers:
        sections.append(
            Section(
                _("Your situation"),
                [f"{answer.question.text} {answer.text}" for answer in guide.answers],
            )
        )
    materials = []
    for number, material in enumerate(guide.materials, start=1):
        line = _("%(number)d. %(name)s — %(kind)s, %(copies)d copy/copies, %(necessity)s") % {
            "number": number,
            "name": material.name,
            "kind": material.get_kind_display(),
            "copies": material.copies,
            "necessity": material.get_necessity_display(),
        }
        if material.verifiable:
            line += _(" (verified from shared data: you need not bring it)")
        if material.acceptance_standard:
            line += "\n" + material.acceptance_standard
        materials.append(line)
    sections.append(Section(_("Materials"), materials or [_("No materials are needed.")]))
    if guide.conditions:
        sections.append(Section(_("Conditions"), guide.conditions))
    if version.procedure:
        sections.append(Section(_("Steps"), [version.procedure]))
    sections.append(
        Section(
            _("Time limit"),
            [
                _("Promised: %(limit)s %(unit)s; statutory: %(statutory)s %(statutory_unit)s.")
                % {
                    "limit": guide.promised_limit,
                    "unit": unit,
                    "statutory": version.statutory_limit,
                    "statutory_unit": version.get_statutory_limit_unit_display(),
                }
            ],
        )
    )
    sections.append(Section(_("Fee"), guide.fees or [_("Free of charge.")]))
    if version.location:
        sections.append(Section(_("Where to apply"), [version.location]))
    if version.contact:
        sections.append(Section(_("Enquiries"), [version.contact]))
    return sections


def notice_pdf(guide: Guide) -> bytes:
    version = guide.version
    subtitle = _(
        "%(agency)s · implementation code %(code)s · version %(number)d in force from %(date)s"
    ) % {
        "agency": version.item.agency.name,
        "code": version.item.impl_code,
        "number": version.number,
        "date": version.effective_from,
    }
    footer = _(
        "One-time notification generated on %(date)s. Nothing beyond this list may be asked of you."
    ) % {"date": timezone.localdate().isoformat()}
    return build_document(
        _("One-time notification: %(name)s") % {"name": version.name},
        subtitle,
        notice_sections(guide),
        footer,
    )


def bundle_notice_pdf(guide) -> bytes:
    """The combined one-time notification of a bundle (一件事一次告知)."""
    bundle = guide.bundle
    materials = []
    for number, merged in enumerate(guide.materials, start=1):
        line = f"{number}. {merged.name}"
        if len(merged.versions) > 1:
            line += _(" (for: %(items)s)") % {"items": "、".join(v.name for v in merged.versions)}
        if merged.verifiable:
            line += _(" (verified from shared data: you need not bring it)")
        materials.append(line)
    sections = [
        Section(
            _("Services included"),
            [
                f"{version.name} — {version.item.agency.name} — {guide.item_limits[version.name]}"
                for version in guide.versions
            ],
        ),
        Section(_("Materials"), materials or [_("No materials are needed.")]),
        Section(
            _("Time limit"),
            [
                _("Handled in parallel: at most %(days)s working days.")
                % {"days": f"{guide.promised_limit_days:g}"}
            ],
        ),
    ]
    subtitle = _("Lead agency: %(agency)s · bundle %(code)s") % {
        "agency": bundle.lead_agency.name,
        "code": bundle.code,
    }
    footer = _(
        "One-time notification generated on %(date)s. Nothing beyond this list may be asked of you."
    ) % {"date": timezone.localdate().isoformat()}
    return build_document(
        _("One-time notification: %(name)s") % {"name": bundle.name}, subtitle, sections, footer
    )

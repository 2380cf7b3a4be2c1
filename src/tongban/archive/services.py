"""Reading the archive: what is valid on a day, and what a case can take from it."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.cases.actions import missing_materials
from tongban.cases.models import Case
from tongban.catalog.bundles import material_key
from tongban.catalog.models import Material
from tongban.core import sql
from tongban.org.models import Applicant

from .models import DEFAULT_VALIDITY_MONTHS, ArchivedDocument, ValidityRule, add_months


def valid_until_for(key: str, received: dt.date) -> dt.date | None:
    """The last day a document of ``key`` received on ``received`` may be reused; None:
    until a newer one replaces it."""
    rule = ValidityRule.objects.filter(material_key=key).first()
    if rule is None:
        return add_months(received, DEFAULT_VALIDITY_MONTHS)
    if rule.months is None:
        return None
    return add_months(received, rule.months)


def valid_documents(applicant: Applicant, on: dt.date | None = None) -> QuerySet:
    """The applicant's documents that may be reused on ``on`` (today): received by then,
    not revoked, not replaced by a newer one, not expired."""
    on = on or timezone.localdate()
    next_day = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time()))
    return (
        ArchivedDocument.objects.filter(
            applicant=applicant,
            revoked_at__isnull=True,
            replaced_by__isnull=True,
            received_at__lt=next_day,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("source_case")
        .order_by("material_key", "-received_at", "-pk")
    )


# Whether the applicant has any live document with a file at all (the dates aside): asked
# for every new application, compiled once (the full query joins the wide case row).
_ANY_FILE = sql.Prepared(
    lambda applicant_id: (
        ArchivedDocument.objects.filter(
            applicant_id=applicant_id, revoked_at__isnull=True, replaced_by__isnull=True
        )
        .exclude(file="")
        .order_by()
        .values("pk")[:1]
    )
)


def reusable_for(case: Case, on: dt.date | None = None) -> list[tuple[Material, ArchivedDocument]]:
    """The case's missing materials the archive holds a valid file for, matched by
    ``material_key`` (营业执照（副本） is 营业执照), each with the newest such file."""
    if not _ANY_FILE.rows(case.applicant_id):  # most applicants: one cheap query, no more
        return []
    documents = list(valid_documents(case.applicant, on).exclude(file=""))
    if not documents:
        return []
    missing = missing_materials(case)
    if not missing:
        return []
    newest: dict[str, ArchivedDocument] = {}
    for document in documents:
        newest.setdefault(document.material_key, document)
    pairs = []
    for material in missing:
        document = newest.get(material_key(material.name))
        if document is not None:
            pairs.append((material, document))
    return pairs


def reason_for(document: ArchivedDocument) -> str:
    """Why the document was taken, in the site's language: the record stays as written."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "name": document.name,
            "date": timezone.localdate(document.received_at).isoformat(),
            "code": document.source_case.code or document.source_case_id,
        }
        if document.kind == ArchivedDocument.Kind.RESULT:
            text = _("The %(name)s issued on %(date)s as the result of case %(code)s")
        else:
            text = _("The same material (%(name)s) was submitted on %(date)s in case %(code)s")
        text = text % values
        if document.valid_until is None:
            return _("%(what)s; it stays valid until a newer one replaces it.") % {"what": text}
        return _("%(what)s; it is valid until %(until)s.") % {
            "what": text,
            "until": document.valid_until.isoformat(),
        }

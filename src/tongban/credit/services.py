"""The credit standing of an applicant, computed from the records on the day asked, and
what it changes in handling (信用审批):

- **black** (失信): a black-list entry or a false commitment in force (not repaired, not
  expired). No tolerant acceptance (容缺), no commitment (告知承诺), no automatic
  approval; a person reviews, with an extra credit-check step (domain.md §4).
- **red** (守信红名单): a red-list entry in force → the fast track.
- **clean**: no adverse record decided in the last N years (``TONGBAN_CREDIT_CLEAN_YEARS``,
  3) → the fast track: "no adverse record since 2023-11-27".
- **normal**: anything else (an adverse record in the window, repaired or minor).

The fast track shortens the promise and approves automatically only where the item's
credit policy says so (``ItemCreditPolicy``); every effect is explained on the case.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.core import crypto, sql
from tongban.core.identifiers import mask_resident_id, validate_resident_id
from tongban.org.models import Applicant

from .models import SERIOUS_KINDS, CreditRecord, ItemCreditPolicy, Kind

RED = "red"
CLEAN = "clean"
NORMAL = "normal"
BLACK = "black"

STANDING_LABELS = {
    RED: gettext_lazy("Red list (守信)"),
    CLEAN: gettext_lazy("Good credit"),
    NORMAL: gettext_lazy("Normal"),
    BLACK: gettext_lazy("Black list (失信)"),
}


# What a standing changes, as staff are told on the case.
EFFECT_NO_TOLERANT = gettext_lazy("No tolerant acceptance (容缺受理).")
EFFECT_NO_COMMITMENT = gettext_lazy("No notify-and-commit (告知承诺).")
EFFECT_PERSON_REVIEWS = gettext_lazy(
    "No automatic approval: a person reviews, with an extra credit check (信用核查)."
)
EFFECT_SHORTER_PROMISE = gettext_lazy("Fast track: promised within %(limit)s.")
EFFECT_AUTO_APPROVAL = gettext_lazy("Fast track: approved automatically when complete.")


def standing_label(standing: str) -> str:
    return str(STANDING_LABELS[standing])


def clean_years() -> int:
    return int(getattr(settings, "TONGBAN_CREDIT_CLEAN_YEARS", 3))


# ---------------------------------------------------------------- subjects


def normalize(subject: str) -> str:
    return "".join((subject or "").split()).upper()


def subject_index(subject: str) -> str:
    return crypto.blind_index(normalize(subject))


def is_resident_id(subject: str) -> bool:
    """A valid resident ID number (date of birth and check digit); else a credit code.
    An all-digit unified social credit code is told apart by those checks."""
    try:
        validate_resident_id(normalize(subject))
    except ValidationError:
        return False
    return True


def mask(subject: str) -> str:
    """ID numbers are masked; a unified social credit code is public and shown whole."""
    subject = normalize(subject)
    return mask_resident_id(subject) if is_resident_id(subject) else subject


def applicant_index(applicant: Applicant) -> str:
    """The digest records about this applicant are filed under."""
    if applicant.id_number_encrypted:
        return subject_index(applicant.id_number)  # decrypted once per object
    return subject_index(applicant.credit_code or "")


def records_of(applicant: Applicant) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(subject_index=applicant_index(applicant))


# ---------------------------------------------------------------- the standing


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def in_force(record: CreditRecord, on: dt.date) -> bool:
    if record.decided_on > on:
        return False
    if record.repaired_on is not None and record.repaired_on <= on:
        return False
    return record.valid_until is None or record.valid_until >= on


@dataclass
class Assessment:
    standing: str
    on: dt.date
    clean_since: dt.date
    records: list[CreditRecord] = field(default_factory=list)
    deciding: list[CreditRecord] = field(default_factory=list)  # the records that decided

    @property
    def label(self) -> str:
        return standing_label(self.standing)

    @property
    def fast_track(self) -> bool:
        return self.standing in {RED, CLEAN}

    @property
    def is_black(self) -> bool:
        return self.standing == BLACK

    def explanation(self) -> str:
        """One sentence for the case: why this standing, from which records."""
        if self.standing == BLACK:
            return _("Black list: %(records)s; until the credit is repaired.") % {
                "records": "；".join(_describe(r) for r in self.deciding)
            }
        if self.standing == RED:
            return _("Red list: %(records)s.") % {
                "records": "；".join(_describe(r) for r in self.deciding)
            }
        if self.standing == CLEAN:
            return _("No adverse record since %(since)s.") % {"since": self.clean_since.isoformat()}
        return _("Adverse record within the last %(years)s years: %(records)s.") % {
            "years": clean_years(),
            "records": "；".join(_describe(r) for r in self.deciding),
        }


def _describe(record: CreditRecord) -> str:
    return (
        f"{record.get_kind_display()}「{record.title}」（{record.authority}，{record.decided_on}）"
    )


def assess_records(records: list[CreditRecord], on: dt.date) -> Assessment:
    since = years_before(on, clean_years())
    serious = [r for r in records if r.kind in SERIOUS_KINDS and in_force(r, on)]
    if serious:
        return Assessment(BLACK, on, since, records, serious)
    red = [r for r in records if r.kind == Kind.RED_LIST and in_force(r, on)]
    if red:
        return Assessment(RED, on, since, records, red)
    recent = [r for r in records if r.is_adverse and since < r.decided_on <= on]
    if recent:
        return Assessment(NORMAL, on, since, records, recent)
    return Assessment(CLEAN, on, since, records, [])


def assess(applicant: Applicant, on: dt.date | None = None) -> Assessment:
    """The applicant's standing on ``on`` (today), from the records known now."""
    on = on or timezone.localdate()
    return assess_records(list(records_of(applicant)), on)


def assess_case(case) -> Assessment:
    """Once per case object: a request or an action asks several times."""
    return _case_credit(case)[0]


def case_policy(case) -> ItemCreditPolicy | None:
    """The credit policy of the case's item, read with the applicant's records."""
    return _case_credit(case)[1]


# The applicant's records and the item's policy in one statement: every acceptance and
# every instant decision asks for both (one round trip and no ORM compilation, which cost
# more than the lookups themselves on the accept path). Table names from the models;
# values always go as parameters.
_POLICY_TABLE = ItemCreditPolicy._meta.db_table
_RECORD_TABLE = CreditRecord._meta.db_table
_CASE_CREDIT_SQL = (
    "SELECT p.id, p.fast_track_limit, p.fast_track_auto_approval,"  # noqa: S608
    " r.id, r.kind, r.title, r.authority, r.decided_on, r.valid_until, r.repaired_on"
    " FROM (SELECT 1 AS one) AS o"
    f" LEFT JOIN {_POLICY_TABLE} AS p ON p.item_id = %s"
    f" LEFT JOIN {_RECORD_TABLE} AS r ON r.subject_index = %s"
)


def _case_credit(case) -> tuple[Assessment, ItemCreditPolicy | None]:
    cached = case.__dict__.get("_credit")
    if cached is None:
        with sql.hot_cursor() as cursor:
            cursor.execute(_CASE_CREDIT_SQL, [case.item_id, applicant_index(case.applicant)])
            rows = cursor.fetchall()
        policy = None
        if rows and rows[0][0] is not None:
            policy_id, limit, auto = rows[0][:3]
            policy = ItemCreditPolicy(
                id=policy_id,
                item_id=case.item_id,
                fast_track_limit=limit,
                fast_track_auto_approval=bool(auto),
            )
        records = [
            CreditRecord(
                id=row[3],
                kind=row[4],
                title=row[5],
                authority=row[6],
                decided_on=_date(row[7]),
                valid_until=_date(row[8]),
                repaired_on=_date(row[9]),
            )
            for row in rows
            if row[3] is not None
        ]
        assessment = assess_records(records, timezone.localdate())
        cached = case.__dict__["_credit"] = (assessment, policy)
    return cached


def _date(value) -> dt.date | None:
    """SQLite hands dates back as text; PostgreSQL as dates."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def effects_for(case, assessment: Assessment) -> list:
    """What the standing changes for this case, as staff are told."""
    if assessment.is_black:
        return [EFFECT_NO_TOLERANT, EFFECT_NO_COMMITMENT, EFFECT_PERSON_REVIEWS]
    effects = []
    policy = case_policy(case) if assessment.fast_track else None
    if policy is not None:
        if policy.fast_track_limit is not None:
            effects.append(EFFECT_SHORTER_PROMISE % {"limit": policy.fast_track_limit})
        if policy.fast_track_auto_approval:
            effects.append(EFFECT_AUTO_APPROVAL)
    return effects

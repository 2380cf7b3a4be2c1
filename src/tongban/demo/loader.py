"""Load the demo city (:mod:`tongban.demo.data`) into the database, idempotently.

Each row is looked up by its natural key, created if missing and saved only if a field
differs, so a second load writes nothing and leaves no audit entry. Rows the data does
not name (a window an administrator added, say) are left alone.
"""

import datetime as dt
from collections import Counter
from typing import Any

from django.db import models, transaction

from tongban.core import audit, crypto
from tongban.core.context import Actor, acting_as
from tongban.core.identifiers import validate_resident_id
from tongban.org.models import (
    Agency,
    Applicant,
    OpeningPeriod,
    Region,
    ServicePoint,
    StaffAssignment,
    User,
    Window,
)
from tongban.projects.demo_data import load_demo_project

from . import data
from .bundle_loader import KINDS as BUNDLE_KINDS
from .bundle_loader import load_demo_bundles
from .catalog_loader import KINDS as CATALOG_KINDS
from .catalog_loader import load_demo_catalog
from .credit_loader import load_credit
from .instant_loader import load_instant_approval

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# The kinds of row the city loader writes, in the order of the counts it reports.
CITY_KINDS = (
    "regions",
    "agencies",
    "service_points",
    "opening_periods",
    "windows",
    "users",
    "assignments",
    "applicants",
)
# Every kind :func:`load_demo_city` reports, the catalog's last.
KINDS = (*CITY_KINDS, *CATALOG_KINDS, *BUNDLE_KINDS)


def _key_value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _differs(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``values`` whose stored value is different (foreign keys by id)."""
    changed = {}
    for name, wanted in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_one or field.one_to_one:
            if getattr(obj, field.attname) != _key_value(wanted):
                changed[name] = wanted
        elif getattr(obj, name) != wanted:
            changed[name] = wanted
    return changed


def _validate(obj: models.Model) -> None:
    # Field validators (codes, credit codes) and the model's own rules; uniqueness is
    # left to the database, which saves a query per row.
    obj.clean_fields()
    obj.clean()


class _Rows:
    """The existing rows of a model by natural key, read in one query."""

    def __init__(self, queryset: models.QuerySet, key_fields: tuple[str, ...]) -> None:
        self.model = queryset.model
        self.key_fields = key_fields
        attnames = [self.model._meta.get_field(name).attname for name in key_fields]
        self.rows = {tuple(getattr(obj, a) for a in attnames): obj for obj in queryset}

    def sync(
        self, key: dict[str, Any], values: dict[str, Any], *, validate: bool = True
    ) -> tuple[Any, str]:
        """Create the row ``key`` identifies, or bring its ``values`` up to date.

        Like ``update_or_create``, but saves only when something differs, so that the
        caller can tell "updated" from "unchanged" (and a second load writes nothing).
        """
        natural_key = tuple(_key_value(key[name]) for name in self.key_fields)
        obj = self.rows.get(natural_key)
        if obj is None:
            obj = self.model(**key, **values)
            state = CREATED
        else:
            changed = _differs(obj, values)
            if not changed:
                return obj, UNCHANGED
            for name, value in changed.items():
                setattr(obj, name, value)
            state = UPDATED
        if validate:
            _validate(obj)
        obj.save()
        self.rows[natural_key] = obj
        return obj, state


class _Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, kind: str, state: str) -> None:
        if state != UNCHANGED:
            self.counts[f"{kind}_{state}"] += 1

    def result(self) -> dict[str, int]:
        return {
            f"{kind}_{state}": self.counts[f"{kind}_{state}"]
            for kind in CITY_KINDS
            for state in (CREATED, UPDATED)
        }


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _load_regions(tally: _Tally) -> dict[str, Region]:
    rows = data.regions()
    table = _Rows(Region.objects.filter(code__in=[row.code for row in rows]), ("code",))
    by_code: dict[str, Region] = {}
    for row in rows:  # parents come first
        region, state = table.sync(
            {"code": row.code},
            {
                "name": row.name,
                "level": row.level,
                "parent": by_code[row.parent_code] if row.parent_code else None,
            },
        )
        by_code[row.code] = region
        tally.add("regions", state)
    return by_code


def _load_agencies(tally: _Tally, regions: dict[str, Region]) -> dict[str, Agency]:
    codes = [row.credit_code for row in data.AGENCIES]
    table = _Rows(Agency.objects.filter(credit_code__in=codes), ("credit_code",))
    by_key: dict[str, Agency] = {}
    for row in data.AGENCIES:
        agency, state = table.sync(
            {"credit_code": row.credit_code},
            {
                "name": row.name,
                "short_name": row.short_name,
                "kind": row.kind,
                "region": regions[row.region_code],
                "parent": None,
                "phone": row.phone,
                "address": row.address,
                "is_active": True,
            },
        )
        by_key[row.key] = agency
        tally.add("agencies", state)
    return by_key


def _load_service_points(
    tally: _Tally, regions: dict[str, Region], agencies: dict[str, Agency]
) -> dict[str, ServicePoint]:
    table = _Rows(ServicePoint.objects.all(), ("name", "region"))
    periods = _Rows(OpeningPeriod.objects.all(), ("service_point", "weekday", "opens"))
    by_key: dict[str, ServicePoint] = {}
    for row in data.SERVICE_POINTS:
        point, state = table.sync(
            {"name": row.name, "region": regions[row.region_code]},
            {
                "kind": row.kind,
                "operator": agencies[row.operator_key] if row.operator_key else None,
                "address": row.address,
                "phone": row.phone,
                "opening_hours_note": row.note,
                "is_active": True,
            },
        )
        by_key[row.key] = point
        tally.add("service_points", state)
        for weekday, opens, closes in row.periods():
            _period, state = periods.sync(
                {"service_point": point, "weekday": weekday, "opens": _time(opens)},
                {"closes": _time(closes)},
            )
            tally.add("opening_periods", state)
    return by_key


def _load_windows(
    tally: _Tally, points: dict[str, ServicePoint], agencies: dict[str, Agency]
) -> dict[tuple[str, str], Window]:
    table = _Rows(Window.objects.all(), ("service_point", "number"))
    served: dict[int, set[int]] = {}
    for window_id, agency_id in Window.agencies.through.objects.values_list(
        "window_id", "agency_id"
    ):
        served.setdefault(window_id, set()).add(agency_id)
    by_key: dict[tuple[str, str], Window] = {}
    for point_row in data.SERVICE_POINTS:
        point = points[point_row.key]
        for row in data.windows_for(point_row):
            window, state = table.sync(
                {"service_point": point, "number": row.number},
                {"name": row.name, "kind": row.kind},
            )
            wanted = {agencies[key].pk for key in row.agency_keys}
            if served.get(window.pk, set()) != wanted:
                window.agencies.set(wanted)
                state = UPDATED if state == UNCHANGED else state
            by_key[(point_row.key, row.number)] = window
            tally.add("windows", state)
    return by_key


def _sync_account(tally: _Tally, username: str, values: dict[str, Any]) -> User:
    # Demo accounts come back usable on every load: active, unlocked, the demo password.
    values = {"is_active": True, "failed_logins": 0, "locked_until": None, **values}
    table = _Rows(User.objects.filter(username=username), ("username",))
    # Not validated: the password is set just below, and usernames come from the data.
    user, state = table.sync({"username": username}, values, validate=False)
    # Hashing is slow and salted: set the password only when it does not already match.
    if state == CREATED or not user.check_password(data.DEMO_PASSWORD):
        user.set_password(data.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        state = CREATED if state == CREATED else UPDATED
    tally.add("users", state)
    return user


def _load_staff(
    tally: _Tally,
    agencies: dict[str, Agency],
    points: dict[str, ServicePoint],
    windows: dict[tuple[str, str], Window],
) -> None:
    assignments = _Rows(StaffAssignment.objects.all(), ("user", "role", "agency", "service_point"))
    for row in data.STAFF:
        user = _sync_account(
            tally,
            row.username,
            {
                "kind": User.Kind.STAFF,
                "full_name": row.full_name,
                "phone": row.phone,
                "email": f"{row.username}@demo.tongban.invalid",
                "is_staff": row.superuser,
                "is_superuser": row.superuser,
            },
        )
        point = points[row.point_key] if row.point_key else None
        window = windows[(row.point_key, row.window_number)] if row.window_number else None
        _assignment, state = assignments.sync(
            {
                "user": user,
                "role": row.role,
                "agency": agencies[row.agency_key] if row.agency_key else None,
                "service_point": point,
            },
            {"window": window},
        )
        tally.add("assignments", state)


def _load_applicants(tally: _Tally, regions: dict[str, Region]) -> None:
    for row in data.APPLICANTS:
        user = _sync_account(
            tally,
            row.username,
            {
                "kind": User.Kind.APPLICANT,
                "full_name": row.name,
                "phone": row.phone,
                "email": "",
                "is_staff": False,
                "is_superuser": False,
            },
        )
        applicant = Applicant.objects.filter(account=user).first()
        if applicant is None:
            # Registered at a window before the account existed: attach it (but never
            # take an applicant away from another account).
            unattached = Applicant.objects.filter(account__isnull=True)
            if row.id_number:
                index = crypto.blind_index(validate_resident_id(row.id_number))
                applicant = unattached.filter(id_number_index=index).first()
            elif row.credit_code:
                applicant = unattached.filter(credit_code=row.credit_code).first()
        values = {
            "account": user,
            "kind": row.kind,
            "name": row.name,
            "phone": row.phone,
            "address": row.address,
            "region": regions[row.region_code],
            "credit_code": row.credit_code,
            "legal_representative": row.legal_representative,
        }
        if applicant is None:
            applicant, state = Applicant(**values), CREATED
        else:
            changed = _differs(applicant, values)
            for name, value in changed.items():
                setattr(applicant, name, value)
            state = UPDATED if changed else UNCHANGED
        # Encryption is salted, so compare by the blind index rather than re-encrypting.
        wanted_index = crypto.blind_index(row.id_number) if row.id_number else None
        if applicant.id_number_index != wanted_index:
            if row.id_number:
                applicant.set_id_number(row.id_number)
            else:
                applicant.id_number_encrypted = ""
                applicant.id_number_index = None
                applicant.id_number_masked = ""
            state = CREATED if state == CREATED else UPDATED
        if state != UNCHANGED:
            _validate(applicant)
            applicant.save()
        tally.add("applicants", state)


def load_demo_city() -> dict[str, int]:
    """Create or bring up to date the demo city; return ``{"<kind>_created": n, ...}``.

    The service catalog (:mod:`.catalog_loader`) is loaded too, in the same transaction.
    One transaction; one ``demo.load`` audit entry when anything changed, none otherwise.
    """
    tally = _Tally()
    actor = Actor.system("demo")
    with acting_as(actor), transaction.atomic():
        regions = _load_regions(tally)
        agencies = _load_agencies(tally, regions)
        points = _load_service_points(tally, regions, agencies)
        windows = _load_windows(tally, points, agencies)
        _load_staff(tally, agencies, points, windows)
        _load_applicants(tally, regions)
        counts = tally.result()
        counts.update(load_demo_catalog())
        counts.update(load_demo_bundles())
        # Data-source records, certificate types and decision rules (秒批): kept current,
        # not counted (they are refreshed on every load and change nothing when current).
        load_instant_approval()
        load_credit()
        if any(counts.values()):
            audit.record(
                "demo.load",
                changes=counts,
                actor=actor,
                object_type="demo.city",
                object_id=data.CITY[0],
                object_label=data.CITY[1],
            )
        # The demo construction project (tongban.projects.demo_data): four stages run
        # through the real actions, its own audit entries; loaded once, then left alone.
        load_demo_project(
            regions[data.CITY[0]],
            bureau=agencies["bureau"],
            land=agencies["land"],
            housing=agencies["housing"],
            builder=Applicant.objects.get(account__username="enterprise"),
            butler=User.objects.get(username="chief"),
            reviewer=User.objects.get(username="land_reviewer"),
        )
    return counts

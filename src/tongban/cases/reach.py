"""Where an item may be accepted and who decides it (市域通办, 事项下放).

Used by the actions and by the permission checks (a clerk may take an online case if the
item may be accepted at one of the clerk's service points).
"""

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tongban.catalog.models import Delegation, Item, ItemVersion
from tongban.core import sql
from tongban.org.models import Agency, Region, ServicePoint


def deciding_agency_for(item: Item, region: Region | int | None, on: dt.date) -> Agency:
    """The agency that decides: a county the item was handed down to, else the item's own.
    ``region``: the region or its id (its chain up is kept per process)."""
    if region is not None:
        chain = _ancestors(region)
        for delegation in _DELEGATIONS.rows(item.pk):  # the most local level first
            if delegation.region_id in chain and delegation.effective_from <= on:
                return delegation.handling_agency
    return item.agency


# An item's delegations in force (a few at most), compiled once: every application asks.
_DELEGATIONS = sql.Prepared(
    lambda item_id: (
        Delegation.objects.filter(item_id=item_id, ended_on__isnull=True)
        .select_related("handling_agency")
        .order_by("-region__level", "pk")
    )
)


# A region's chain up to the province, per process for a while: every application asks,
# and the division tree changes once a year at most.
_ANCESTOR_SECONDS = 300.0
_ancestor_cache: dict[int, tuple[float, tuple[int, ...]]] = {}


def _ancestors(region: Region | int) -> tuple[int, ...]:
    now = time.monotonic()
    key = region if isinstance(region, int) else region.pk
    cached = _ancestor_cache.get(key)
    if cached is not None and now - cached[0] < _ANCESTOR_SECONDS:
        return cached[1]
    if isinstance(region, int):
        region = Region.objects.get(pk=region)
    chain = []
    node = region
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    if len(_ancestor_cache) > 10_000:
        _ancestor_cache.clear()
    _ancestor_cache[key] = (now, tuple(chain))
    return tuple(chain)


def _county_of(region: Region) -> int:
    node = region
    while node is not None and node.level > Region.Level.COUNTY:
        node = node.parent
    return node.pk if node is not None else region.pk


def check_reach(version: ItemVersion, agency: Agency, point: ServicePoint) -> None:
    """市域通办 and its narrower cousins: where this item may be accepted."""
    reach = version.reach
    if reach == ItemVersion.Reach.CITY:
        return
    if reach == ItemVersion.Reach.COUNTY and _county_of(point.region) == _county_of(agency.region):
        return
    if reach == ItemVersion.Reach.SERVICE_POINT and point.region_id == agency.region_id:
        return
    raise ValidationError(
        _("This item cannot be accepted at %(point)s: it is handled at %(where)s.")
        % {"point": point.name, "where": ItemVersion.Reach(reach).label},
        code="reach",
    )

"""Submitting a 7-item business start-up bundle (the issue's target: p99 ≤ 150 ms of server
time with 16 concurrent applicants), beside a single-item submission measured the same way
in the same run: the bundle should cost less than 7 single submissions.

Drafts complete with their materials are made once by the real actions, then cloned in
bulk. 16 wrk connections POST the submissions to a gunicorn with two sync workers; the
server time is what the worker spent on each request (gunicorn's access log, ``%(D)s``),
so the queue of 16 clients before two workers is not counted in it; the clients' own p99
is printed too.
"""

import io
import os
import tempfile

from django.db import transaction

from tongban.bundles import actions
from tongban.bundles.models import BundleCase, BundleMember
from tongban.cases import actions as case_actions
from tongban.cases.models import Case
from tongban.catalog.models import (
    Bundle,
    BundleItem,
    Item,
    ItemType,
    ItemVersion,
    Material,
)
from tongban.org.models import Agency
from tongban.org.policy import principal_for_user

from . import cases_fixture, http_load

ITEMS = 7
SECONDS = int(os.environ.get("TONGBAN_BENCH_SECONDS", "15"))
BUNDLES = int(os.environ.get("TONGBAN_BENCH_BUNDLES", "2500"))
SINGLES = BUNDLES * 8
SHARED = "法定代表人身份证明"


def _bundle(w) -> Bundle:
    bundle = Bundle.objects.filter(code="BENCH-QYKB").first()
    if bundle is not None:
        return bundle
    bundle = Bundle.objects.create(
        code="BENCH-QYKB",
        name="企业开办一件事",
        theme=Bundle.Theme.ENTERPRISE,
        lead_agency=w.agency,
        form_fields=[
            {"key": "company", "label": "企业名称", "required": True, "max_length": 100},
            {"key": "phone", "label": "联系电话", "required": True, "max_length": 20},
        ],
    )
    for n in range(ITEMS):
        agency, _ = Agency.objects.get_or_create(
            credit_code=f"11371400MC{n:07d}X",
            defaults={"name": f"开办部门{n}", "kind": Agency.Kind.LINE_DEPARTMENT,
                      "region": w.agency.region},
        )  # fmt: skip
        item = Item.objects.create(
            catalog_code=f"QT{n:04d}", impl_code=f"BENCH-QYKB-{n}", agency=agency
        )
        version = ItemVersion.objects.create(
            item=item,
            number=1,
            name=f"开办事项{n}",
            item_type=ItemType.OTHER_POWER,
            case_type=ItemVersion.CaseType.COMMITTED,
            statutory_limit=5,
            promised_limit=1,
            online_depth=4,
            reach=ItemVersion.Reach.CITY,
        )
        Material.objects.create(version=version, order=1, name=SHARED, kind="original")
        Material.objects.create(version=version, order=2, name=f"事项{n}材料", kind="original")
        version.status = ItemVersion.Status.PUBLISHED
        version.effective_from = "2026-01-01"
        version.save()
        BundleItem.objects.create(
            bundle=bundle, item=item, order=n, field_map={"phone": "contact_phone"}
        )
    return bundle


def _draft_bundle(w, bundle: Bundle) -> BundleCase:
    principal = principal_for_user(w.citizen)
    parent = actions.start(
        principal,
        bundle,
        applicant=w.applicant,
        channel="portal",
        form_data={"company": "德州市青禾餐饮管理有限公司", "phone": "13900000000"},
    )
    for gap in actions.missing(parent):
        stream = io.BytesIO(cases_fixture.PDF + gap["material"].encode())
        stream.name = "scan.pdf"
        actions.attach_shared(principal, parent, gap["material"], stream)
    return parent


def _clone_drafts(template: BundleCase, count: int) -> list[int]:
    """``count`` copies of a complete draft application, its cases and their files."""
    members = list(template.members.select_related("case"))
    per_member = [cases_fixture.clone_submitted(m.case, count) for m in members]
    with transaction.atomic():
        parents = BundleCase.objects.bulk_create(
            BundleCase(
                bundle_id=template.bundle_id,
                applicant_id=template.applicant_id,
                submitted_by_id=template.submitted_by_id,
                form_data=template.form_data,
                created_at=template.created_at,
            )
            for _ in range(count)
        )
        BundleMember.objects.bulk_create(
            BundleMember(bundle_case=parent, case_id=ids[n], order=m.order)
            for n, parent in enumerate(parents)
            for m, ids in zip(members, per_member, strict=True)
        )
        # the clones are drafts again: a submission gives them their codes
        Case.objects.filter(pk__in=[pk for ids in per_member for pk in ids]).update(code=None)
    return [parent.pk for parent in parents]


def _draft_single(w) -> Case:
    principal = principal_for_user(w.citizen)
    item = Item.objects.get(impl_code="BENCH-QYKB-0")
    case = case_actions.start_application(principal, item, applicant=w.applicant, channel="portal")
    for material in case_actions.missing_materials(case):
        stream = io.BytesIO(cases_fixture.PDF)
        stream.name = "scan.pdf"
        case_actions.attach_material(principal, case, material, stream)
    return case


def _measure(
    name: str, port: int, paths: list[str], cookie: str, log: str, marker: str
) -> tuple[float, float]:
    """Server-time p50 (ms) and submissions per second with 16 clients."""
    warm_up = len(paths) // 10
    http_load.post_rate(port, paths[:warm_up], "{}", cookie, http_load.WARM_UP_SECONDS)
    rate = http_load.post_rate(port, paths[warm_up:], "{}", cookie, SECONDS)
    times = http_load.server_times(log, marker, skip=warm_up)
    p50, p99 = http_load.percentile(times, 0.5), http_load.percentile(times, 0.99)
    print(f"{name}_server_p50: {p50:.1f} ms")
    print(f"{name}_server_p99: {p99:.1f} ms")
    print(f"{name}_rate: {rate:.1f} per_s")
    return p50, rate


def run() -> None:
    if not http_load.has_wrk():
        print("bundle_submit: skipped (no wrk)")
        return
    w = cases_fixture.world()
    bundle = _bundle(w)
    bundle_ids = _clone_drafts(_draft_bundle(w, bundle), BUNDLES)
    single = _draft_single(w)
    single_ids = cases_fixture.clone_submitted(single, SINGLES)
    Case.objects.filter(pk__in=single_ids).update(code=None)
    cookie = http_load.session_cookie(w.citizen)
    with tempfile.TemporaryDirectory() as directory:
        singles_log = os.path.join(directory, "singles.log")
        with http_load.server(access_log=singles_log) as port:
            paths = [f"/api/v1/cases/{pk}/actions/submit" for pk in single_ids]
            one = _measure("case_submit_single", port, paths, cookie, singles_log, "/cases/")
        bundles_log = os.path.join(directory, "bundles.log")
        with http_load.server(access_log=bundles_log) as port:
            paths = [f"/api/v1/bundles/applications/{pk}/submit" for pk in bundle_ids]
            seven = _measure(
                f"bundle_submit_{ITEMS}_items", port, paths, cookie, bundles_log, "/bundles/"
            )
    # What a bundle costs against its seven items submitted one by one: the server time of
    # one request, and the machine's time (the inverse of the rate at saturation).
    print(f"bundle_submit_time_vs_{ITEMS}_singles: {seven[0] / (ITEMS * one[0]):.2f} ratio")
    print(f"bundle_submit_cost_vs_{ITEMS}_singles: {one[1] / (ITEMS * seven[1]):.2f} ratio")

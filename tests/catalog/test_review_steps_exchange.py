"""Review steps (环节) travel with the catalog: the Excel exchange's 环节 sheet (optional, for
files made before it) and the item's API detail."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.catalog.factories import edit_workbook as _edit
from tests.catalog.factories import published_item
from tests.factories import AgencyFactory
from tongban.catalog import excel
from tongban.catalog.models import ItemVersion, ReviewStep
from tongban.core.models import AuditEntry
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def item_with_steps(bureau):
    item = published_item(bureau)
    version = item.versions.get()
    fire = AgencyFactory(name="市消防救援支队")
    # A published version refuses new parts through save(); these are its original steps.
    ReviewStep.objects.bulk_create(
        [
            ReviewStep(
                version=version, order=1, kind="review", role="backoffice_reviewer", share=50
            ),
            ReviewStep(
                version=version,
                order=2,
                kind="review",
                name="消防联合审查",
                role="backoffice_reviewer",
                agency=fire,
                share=20,
            ),
            ReviewStep(version=version, order=3, kind="decision", role="section_chief", share=30),
        ]
    )
    return item


def _steps(version: ItemVersion) -> list[tuple]:
    return [
        (s.order, s.kind, s.name, s.role, s.agency.name if s.agency else None, s.share)
        for s in version.steps.select_related("agency")
    ]


def test_steps_go_out_and_come_back_with_the_item(item_with_steps, editor):
    data = excel.export_workbook()
    sheet = load_workbook(io.BytesIO(data))["环节"]
    assert [c.value for c in sheet[1]] == [
        "实施编码", "序号", "环节类型", "环节名称", "办理角色", "办理机关信用代码", "时限占比",
    ]  # fmt: skip
    assert sheet.max_row == 4
    [draft] = excel.import_workbook(principal_for_user(editor), data)
    assert _steps(draft) == _steps(item_with_steps.versions.get(number=1))
    assert ("消防联合审查", "市消防救援支队") in [(s[2], s[4]) for s in _steps(draft)]


def test_a_file_without_the_steps_sheet_still_imports(item_with_steps, editor):
    data = _edit(excel.export_workbook(), lambda wb: wb.remove(wb["环节"]))
    [draft] = excel.import_workbook(principal_for_user(editor), data)
    assert draft.steps.count() == 0  # its cases follow the default steps


def test_bad_steps_are_reported_cell_by_cell_and_nothing_is_written(item_with_steps, editor):
    def break_it(workbook):
        sheet = workbook["环节"]
        sheet.cell(2, 5, "门卫")  # 办理角色: no such role
        sheet.cell(3, 6, "000000000000000000")  # 办理机关信用代码: no such agency
        sheet.cell(4, 3, "review")  # no decision step left
        sheet.cell(4, 7, 120)  # 时限占比 over 100, and the total over the whole limit
        sheet.append(["NOPE", 1, "review", "", "backoffice_reviewer", "", 10])

    data = _edit(excel.export_workbook(), break_it)
    before = (ItemVersion.objects.count(), ReviewStep.objects.count(), AuditEntry.objects.count())
    with pytest.raises(excel.ImportRejected) as rejected:
        excel.import_workbook(principal_for_user(editor), data)
    places = {(e.sheet, e.row, e.column) for e in rejected.value.errors}
    assert {
        ("环节", 2, "办理角色"),
        ("环节", 3, "办理机关信用代码"),
        ("环节", 4, "时限占比"),
        ("环节", 2, "环节类型"),  # the item's first step row: no decision step
        ("环节", 2, "时限占比"),  # the total
        ("环节", 5, "实施编码"),
    } <= places
    messages = " ".join(e.message for e in rejected.value.errors)
    assert "决定" in messages or "decision" in messages
    after = (ItemVersion.objects.count(), ReviewStep.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_the_item_api_shows_the_steps(item_with_steps):
    body = Client().get(f"/api/v1/catalog/items/{item_with_steps.impl_code}").json()
    assert [(s["order"], s["kind"], s["share"]) for s in body["steps"]] == [
        (1, "review", 50),
        (2, "review", 20),
        (3, "decision", 30),
    ]
    assert body["steps"][1]["agency_id"] is not None
    assert body["steps"][0]["agency_id"] is None

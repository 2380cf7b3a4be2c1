"""Excel exchange: a round trip gives drafts equal to what was exported; a broken file
changes nothing and reports every problem with its sheet, row and column."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.catalog.factories import edit_workbook as _edit
from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, staff
from tongban.catalog import excel
from tongban.catalog.diff import diff_versions
from tongban.catalog.models import Item, ItemVersion
from tongban.core.models import AuditEntry
from tongban.org.models import StaffRole
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


def test_round_trip_makes_an_equal_draft(bureau, editor):
    item = published_item(bureau)
    data = excel.export_workbook()
    drafts = excel.import_workbook(principal_for_user(editor), data)
    assert [(d.item, d.number, d.status) for d in drafts] == [(item, 2, ItemVersion.Status.DRAFT)]
    changes = diff_versions(item.versions.get(number=1), drafts[0])
    assert changes.is_empty, changes
    rented = drafts[0].materials.get(name="房屋租赁合同").applies_when.get()
    assert (rented.question.text, rented.text) == ("经营场所权属?", "租赁")
    assert AuditEntry.objects.filter(action="catalog.import").count() == 1


def test_a_new_item_is_created_as_a_draft(bureau, editor):
    published_item(bureau)
    data = _edit(excel.export_workbook(), lambda wb: wb["事项"].cell(2, 1, "NEW-CODE"))

    def rename_codes(workbook):
        for title in ("材料", "情形"):
            for row in workbook[title].iter_rows(min_row=2):
                row[0].value = "NEW-CODE"

    data = _edit(data, rename_codes)
    excel.import_workbook(principal_for_user(editor), data)
    assert Item.objects.get(impl_code="NEW-CODE").versions.get().status == ItemVersion.Status.DRAFT


def test_broken_file_reports_every_problem_and_changes_nothing(bureau, editor):
    published_item(bureau)

    def break_it(workbook):
        items = workbook["事项"]
        items.cell(2, 10, "二十")  # 法定时限: not a number
        items.cell(2, 6, "99")  # 事项类型: unknown
        items.append(["", "X", "", "000000000000000000", "名称"])  # missing codes, unknown agency
        workbook["材料"].cell(2, 3, "身份证复印件")  # photocopies are never required
        workbook["材料"].append(["NOPE", 1, "材料", "original"])  # unknown item

    data = _edit(excel.export_workbook(), break_it)
    before = (ItemVersion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(excel.ImportRejected) as rejected:
        excel.import_workbook(principal_for_user(editor), data)
    places = {(e.sheet, e.row, e.column) for e in rejected.value.errors}
    assert {
        ("事项", 2, "法定时限"),
        ("事项", 2, "事项类型"),
        ("事项", 3, "实施编码"),
        ("事项", 3, "实施主体信用代码"),
        ("材料", 2, "材料名称"),
    } <= places
    assert any(e.sheet == "材料" and e.column == "实施编码" for e in rejected.value.errors)
    assert (ItemVersion.objects.count(), AuditEntry.objects.count()) == before


def test_not_an_excel_file():
    with pytest.raises(excel.ImportRejected) as rejected:
        excel.parse_workbook(b"PK\x03\x04 not really")
    assert rejected.value.errors[0].message


def test_import_api_reports_errors_in_chinese(bureau, editor):
    published_item(bureau)
    data = _edit(excel.export_workbook(), lambda wb: wb["事项"].cell(2, 10, "二十"))
    client = Client()
    client.force_login(editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("catalog.xlsx", data)
    response = client.post("/api/v1/catalog/import", {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    assert body["errors"][0] == {
        "sheet": "事项",
        "row": 2,
        "column": "法定时限",
        "message": body["errors"][0]["message"],
    }
    assert "整数" in body["errors"][0]["message"]
    assert ItemVersion.objects.count() == 1


def test_outsider_cannot_import_into_another_agency(bureau):
    published_item(bureau)
    outsider = staff(StaffRole.CATALOG_ADMIN, agency=AgencyFactory())
    with pytest.raises(excel.ImportRejected) as rejected:
        excel.import_workbook(principal_for_user(outsider), excel.export_workbook())
    assert rejected.value.errors[0].column == "实施主体信用代码"
    assert ItemVersion.objects.count() == 1


def test_export_api_serves_a_workbook(bureau):
    published_item(bureau)
    response = Client().get("/api/v1/catalog/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["事项", "材料", "情形", "环节"]

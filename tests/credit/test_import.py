"""Credit records from the city credit database: a file (all rows or none, every bad row
named) and the HTTP adapter the periodic sync calls; records matched by their identifier."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import StaffRole, make_resident_id, make_uscc, staff
from tongban.credit import actions, services
from tongban.credit.models import CreditRecord, ImportRun, Kind, Source
from tongban.org.models import Applicant
from tongban.org.policy import SYSTEM, principal_for_user

pytestmark = pytest.mark.django_db

COMPANY = make_uscc("371402", prefix="91")
PERSON = make_resident_id("19800101")

CSV = (
    "id,subject,name,kind,title,authority,decided_on,valid_until,repaired_on\n"
    f"R1,{COMPANY},德州市某某公司,黑名单,失信被执行人,德州市中级人民法院,2025-09-01,,\n"
    f"R2,{PERSON},王某,red_list,纳税信用A级,国家税务总局德州市税务局,2026-04-01,2027-03-31,\n"
)


def chief():
    return principal_for_user(staff(StaffRole.SECTION_CHIEF))


def test_a_csv_file_is_imported_and_an_applicant_is_linked():
    company = Applicant.objects.create(kind="legal", name="德州市某某公司", credit_code=COMPANY)
    run = actions.import_file(chief(), CSV.encode("utf-8-sig"), "credit.csv")
    assert (run.created, run.updated) == (2, 0)
    black = CreditRecord.objects.get(external_id="R1")
    assert black.kind == Kind.BLACK_LIST and black.applicant == company
    person = CreditRecord.objects.get(external_id="R2")
    assert PERSON not in person.subject_masked  # an ID number is masked
    assert services.assess(company).standing == services.BLACK


def test_the_same_file_again_updates_instead_of_doubling():
    actions.import_file(chief(), CSV.encode(), "credit.csv")
    repaired = CSV.replace("2025-09-01,,", "2025-09-01,,2026-06-01")
    run = actions.import_file(chief(), repaired.encode(), "credit.csv")
    assert (run.created, run.updated) == (0, 2)
    assert CreditRecord.objects.get(external_id="R1").repaired_on == dt.date(2026, 6, 1)


def test_a_bad_row_refuses_the_whole_file_and_names_every_bad_row():
    bad = CSV + "R3,123,某人,unknown,x,y,2026-01-01,,\nR4,,某人,black_list,,y,notadate,,\n"
    with pytest.raises(ValidationError) as refused:
        actions.import_file(chief(), bad.encode(), "credit.csv")
    text = " ".join(refused.value.messages)
    assert "3" in text and "4" in text
    assert CreditRecord.objects.count() == 0 and ImportRun.objects.count() == 0


def test_json_list_and_clear_errors_for_unreadable_files():
    rows = [{"id": "J1", "subject": COMPANY, "kind": "other", "title": "行政处罚",
             "authority": "市场监管局", "decided_on": "2026-02-02"}]  # fmt: skip
    assert actions.import_file(chief(), json.dumps(rows).encode(), "x.json").created == 1
    for data in (b"\xff\xfe\x00", b"[{", b"a,b\n1,2\n"):
        with pytest.raises(ValidationError):
            actions.import_file(chief(), data, "x.csv")


def test_only_chiefs_import():
    clerk = principal_for_user(staff(StaffRole.WINDOW_CLERK))
    with pytest.raises(PermissionDenied):
        actions.import_file(clerk, CSV.encode(), "credit.csv")


class _CreditDatabase(BaseHTTPRequestHandler):
    calls: list[str] = []

    def do_GET(self):
        type(self).calls.append(self.path)
        body = json.dumps({"records": [{"id": "H1", "subject": COMPANY, "kind": "black_list",
                                         "title": "严重失信", "authority": "发改委",
                                         "decided_on": "2026-03-03"}]}).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_sync_fetches_from_the_city_database_over_http(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CreditDatabase)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.TONGBAN_CREDIT_DATABASE = {
            "adapter": "http",
            "base_url": f"http://127.0.0.1:{server.server_port}/records",
        }
        first = actions.sync(SYSTEM)
        second = actions.sync(SYSTEM)
    finally:
        server.shutdown()
    assert (first.created, second.updated) == (1, 1)
    assert CreditRecord.objects.get(external_id="H1").source == Source.CITY_DATABASE
    assert "since=" in _CreditDatabase.calls[-1] and "since=" not in _CreditDatabase.calls[0]


def test_sync_without_a_configured_database_does_nothing(settings):
    settings.TONGBAN_CREDIT_DATABASE = {}
    assert actions.sync(SYSTEM) is None


def test_repair_needs_a_note_and_a_sensible_date():
    actions.import_file(chief(), CSV.encode(), "credit.csv")
    record = CreditRecord.objects.get(external_id="R1")
    with pytest.raises(ValidationError):
        actions.repair(chief(), record, on=dt.date(2026, 6, 1), note="")
    with pytest.raises(ValidationError):
        actions.repair(chief(), record, on=dt.date(2020, 1, 1), note="履行完毕")
    actions.repair(chief(), record, on=dt.date(2026, 6, 1), note="履行完毕")
    record.refresh_from_db()
    assert record.repaired_on == dt.date(2026, 6, 1)

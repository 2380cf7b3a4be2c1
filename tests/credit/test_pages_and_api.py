"""Credit and commitment checks as staff use them: the case page explains the standing,
the credit page finds, imports and repairs, the post-check page records a false
commitment (revoked, recorded in credit); the same through the API."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.cases.helpers import online_case
from tests.factories import StaffRole, staff
from tongban.cases import actions
from tongban.cases.models import Status
from tongban.credit.models import CreditRecord, Kind

from .helpers import accepted_on_commitment, blacklist


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_case_page_and_counter_explain_a_black_listed_applicant(world):
    blacklist(world)
    case = actions.submit(world.p(world.citizen), online_case(world))
    page = client_for(world.chief).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'data-credit-standing="black"' in page and "失信被执行人" in page
    counter = client_for(world.clerk).get(f"/workbench/counter/cases/{case.pk}/").content.decode()
    assert "data-credit-refusal" in counter
    assert 'value="commitment"' not in counter and 'value="tolerant"' not in counter


def test_case_page_of_a_clean_applicant_says_since_when(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    page = client_for(world.chief).get(f"/workbench/cases/{case.pk}/").content.decode()
    since = timezone.localdate().replace(year=timezone.localdate().year - 3).isoformat()
    assert 'data-credit-standing="clean"' in page and since in page


def test_credit_page_finds_by_number_and_imports(world):
    blacklist(world)
    chief = client_for(world.chief)
    number = world.applicant.id_number
    found = chief.get("/workbench/credit/", {"subject": number}, follow=True).content.decode()
    assert "失信被执行人" in found and 'data-credit-standing="black"' in found
    assert number not in found  # shown masked only
    bad = chief.post(
        "/workbench/credit/",
        {"op": "import", "file": SimpleUploadedFile("x.csv", b"subject\n123\n")},
    )
    assert bad.status_code == 400 and "data-credit-error" in bad.content.decode()
    clerk = client_for(world.clerk)
    assert clerk.get("/workbench/credit/").status_code == 403


def test_post_check_page_records_a_false_commitment(world):
    case = accepted_on_commitment(world)
    chief = client_for(world.chief)
    listed = chief.get("/workbench/post-checks/").content.decode()
    assert f'data-post-check="{case.pk}"' in listed
    refused = chief.post("/workbench/post-checks/", {"case": case.pk, "note": "x"})
    assert refused.status_code == 400
    done = chief.post(
        "/workbench/post-checks/", {"case": case.pk, "result": "false", "note": "场所不符"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.TERMINATED
    assert CreditRecord.objects.get(case=case).kind == Kind.FALSE_COMMITMENT
    assert "data-no-post-checks" in chief.get("/workbench/post-checks/").content.decode()


def test_api_standing_records_and_repair(world):
    record = blacklist(world)
    case = actions.submit(world.p(world.citizen), online_case(world))
    chief = client_for(world.chief)
    standing = chief.get(f"/api/v1/credit/cases/{case.pk}").json()
    assert standing["standing"] == "black" and standing["effects"]
    listed = chief.get("/api/v1/credit/records", {"subject": world.applicant.id_number}).json()
    assert [r["id"] for r in listed["items"]] == [record.pk]
    repaired = chief.post(
        f"/api/v1/credit/records/{record.pk}/repair",
        {"on": timezone.localdate().isoformat(), "note": "已履行"},
        content_type="application/json",
    )
    assert repaired.status_code == 200
    assert chief.get(f"/api/v1/credit/cases/{case.pk}").json()["standing"] == "normal"
    applicant = client_for(world.citizen)
    assert applicant.get("/api/v1/credit/records").status_code == 403
    clerk = client_for(staff(StaffRole.WINDOW_CLERK, service_point=world.hall))
    refused = clerk.post(
        "/api/v1/credit/records/import",
        {"file": SimpleUploadedFile("x.csv", b"subject,kind\n")},
    )
    assert refused.status_code in {400, 403}


def test_api_lists_the_post_checks_of_the_callers_agency(world):
    case = accepted_on_commitment(world)
    listed = client_for(world.chief).get("/api/v1/cases/post-checks").json()
    assert [row["case"] for row in listed["items"]] == [case.pk]
    assert listed["items"][0]["overdue"] is False
    other = client_for(staff(StaffRole.SECTION_CHIEF, agency=None))
    assert other.get("/api/v1/cases/post-checks").json()["items"] == []

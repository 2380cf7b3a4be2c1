"""Looking a subject up in a local register, for a case that needs it; every call kept."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import applicant_account
from tongban.org.policy import SYSTEM
from tongban.sharing import services
from tongban.sharing.models import DataSource, MaterialVerification, SharingQuery

from .conftest import put_record, use_adapter

PURPOSE = "核验申请材料"


@pytest.fixture
def case(sw):
    case = sw.draft()
    # The create hook's checks are not what these test.
    MaterialVerification.objects.all().delete()
    SharingQuery.objects.all().delete()
    return case


def test_found_returns_the_record_and_records_who_whom_case_and_what(sw, case):
    put_record("population", sw.subject, {"name": "李四", "birth_date": "1990-01-01"})
    clerk = sw.p(sw.base.clerk)

    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC), tick=False):
        answer = services.lookup(clerk, "population", sw.subject, case=case, purpose=PURPOSE)

    assert answer.found and answer.source_name == "人口信息库"
    assert answer.data["name"] == "李四"
    assert answer.data["age"] == 36  # computed when asked, from the birth date
    query = SharingQuery.objects.get(pk=answer.query_id)
    assert query.actor == sw.base.clerk and query.actor_label == "clerk"
    assert query.case == case and query.purpose == PURPOSE
    assert query.outcome == "found" and query.returned["name"] == "李四"
    assert query.subject_masked == sw.subject[:4] + "*" * 10 + sw.subject[-4:]
    assert query.subject_index == services.subject_index(sw.subject)
    assert sw.subject not in str(query.returned) + query.subject_masked + query.subject_index


def test_not_found_is_recorded_as_such(sw, case):
    answer = services.lookup(SYSTEM, "population", sw.subject, case=case, purpose=PURPOSE)

    assert not answer.found and answer.data == {} and answer.error == ""
    query = SharingQuery.objects.get(pk=answer.query_id)
    assert (query.outcome, query.actor, query.actor_label) == ("not_found", None, "system")


def test_the_subject_is_matched_whatever_its_case_and_blanks(sw, case):
    subject = sw.subject[:-1] + "X"
    put_record("population", subject, {"name": "李四"})

    answer = services.lookup(SYSTEM, "population", f" {subject.lower()} ", case=case,
                             purpose=PURPOSE)  # fmt: skip

    assert answer.found


def test_a_source_the_case_does_not_need_is_refused_and_the_refusal_recorded(sw, case):
    put_record("credit", sw.subject, {"grade": "A"})

    with pytest.raises(PermissionDenied):
        services.lookup(SYSTEM, "credit", sw.subject, case=case, purpose=PURPOSE)

    query = SharingQuery.objects.get()
    assert query.outcome == "refused" and query.returned is None and query.case == case


def test_another_app_may_declare_the_need(sw, case):
    put_record("credit", sw.subject, {"grade": "A"})
    services.register_need(lambda c: {"credit"} if c.pk == case.pk else set())

    answer = services.lookup(SYSTEM, "credit", sw.subject, case=case, purpose=PURPOSE)

    assert answer.found and answer.data == {"grade": "A"}


def test_someone_who_may_not_see_the_case_is_refused(sw, case):
    put_record("population", sw.subject, {"name": "李四"})
    stranger, _applicant = applicant_account(name="王五")

    with pytest.raises(PermissionDenied):
        services.lookup(sw.p(stranger), "population", sw.subject, case=case, purpose=PURPOSE)

    query = SharingQuery.objects.get()
    assert query.outcome == "refused" and query.actor == stranger and query.returned is None


def test_a_switched_off_source_answers_an_error_recorded(sw, case):
    DataSource.objects.get(code="population").__class__.objects.filter(code="population").update(
        is_enabled=False
    )
    services.forget_sources()

    answer = services.lookup(SYSTEM, "population", sw.subject, case=case, purpose=PURPOSE)

    assert not answer.found and answer.error
    assert SharingQuery.objects.get(pk=answer.query_id).outcome == "error"


def test_a_failing_adapter_is_an_error_answer_never_an_exception(sw, case):
    use_adapter("population", "test-failing")

    answer = services.lookup(SYSTEM, "population", sw.subject, case=case, purpose=PURPOSE)

    assert not answer.found and "did not answer" in answer.error
    query = SharingQuery.objects.get(pk=answer.query_id)
    assert query.outcome == "error" and "ConnectionError" in query.error


def test_an_unknown_source_is_a_clear_error_and_records_nothing(sw, case):
    with pytest.raises(ValidationError):
        services.lookup(SYSTEM, "horoscope", sw.subject, case=case, purpose=PURPOSE)
    assert not SharingQuery.objects.exists()


def test_lookup_many_answers_per_source(sw, case):
    put_record("population", sw.subject, {"name": "李四"})

    answers = services.lookup_many(SYSTEM, ["population", "education"], sw.subject, case=case,
                                   purpose=PURPOSE)  # fmt: skip

    assert answers["population"].found and not answers["education"].found
    assert SharingQuery.objects.count() == 2


def test_a_lookup_is_three_statements(sw, case, django_assert_max_num_queries):
    put_record("population", sw.subject, {"name": "李四"})
    services.lookup(SYSTEM, "population", sw.subject, case=case, purpose=PURPOSE)  # warm

    with django_assert_max_num_queries(2):  # the record, the log (the source is cached)
        services.lookup(SYSTEM, "population", sw.subject, case=case, purpose=PURPOSE)


def test_subject_of_is_the_id_number_or_the_credit_code(sw):
    _user, company = applicant_account(name="某公司", kind="legal")

    assert services.subject_of(sw.base.applicant) == sw.base.applicant.id_number
    assert services.subject_of(company) == company.credit_code


def test_the_test_bench_asks_without_a_case_for_catalog_admins_only(sw):
    from tests.factories import StaffRole, staff

    put_record("population", sw.subject, {"name": "李四"})
    admin = sw.p(staff(StaffRole.CATALOG_ADMIN))

    answer = services.try_source(admin, "population", sw.subject, purpose="试算")
    with pytest.raises(PermissionDenied):
        services.try_source(sw.p(sw.base.clerk), "population", sw.subject, purpose="试算")

    assert answer.found
    outcomes = list(SharingQuery.objects.order_by("pk").values_list("outcome", "case"))
    assert outcomes == [("found", None), ("refused", None)]

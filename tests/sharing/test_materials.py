"""三减一优: a material a data source confirms is not asked for; one it does not confirm
is asked for as usual; the newest verification per material counts."""

import datetime as dt

import pytest
import time_machine

from tongban.cases import actions
from tongban.org.policy import SYSTEM
from tongban.sharing import services
from tongban.sharing.models import MaterialVerification, SharingQuery

from .conftest import FIXED, LICENCE_TYPE, put_record, use_adapter

NOW = dt.datetime(2026, 11, 28, 2, tzinfo=dt.UTC)


def names(materials) -> set[str]:
    return {m.name for m in materials}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_confirmed_materials_are_skipped_and_unconfirmed_ones_still_asked(sw, frozen):
    case = sw.draft()  # nothing in the registers yet: all three asked for
    assert {"居民身份证", "学历证书", "营业执照"} <= names(actions.missing_materials(case))

    put_record("population", sw.subject, {"name": "李四"})
    put_record("education", sw.subject, {"highest_degree": ""})  # a record, not the degree
    use_adapter("certificates", "test-fixed")
    FIXED["certificates"] = {"certificates": [
        {"type_code": LICENCE_TYPE, "status": "valid", "valid_to": "2029-01-01"},
    ]}  # fmt: skip

    made = services.verify_materials(SYSTEM, case)

    assert {(v.material.name, v.confirmed) for v in made} == {
        ("居民身份证", True), ("学历证书", False), ("营业执照", True),
    }  # fmt: skip
    missing = names(actions.missing_materials(case))
    assert "学历证书" in missing
    assert not {"居民身份证", "营业执照"} & missing
    verification = next(v for v in made if v.material == sw.id_card)
    assert verification.summary.startswith("人口信息库")
    assert verification.query.case == case and verification.query.outcome == "found"


def test_only_what_is_not_confirmed_yet_is_asked_again(sw, frozen):
    case = sw.draft()
    put_record("population", sw.subject, {"name": "李四"})
    services.verify_materials(SYSTEM, case)
    asked = SharingQuery.objects.filter(case=case).count()

    put_record("education", sw.subject, {"highest_degree": "bachelor"})
    again = services.verify_materials(SYSTEM, case)

    assert {v.material for v in again} == {sw.degree, sw.licence}  # not the ID card again
    new_queries = SharingQuery.objects.filter(case=case).count() - asked
    assert new_queries == 2 and sw.degree.pk in services.confirmed_ids(case, [sw.degree])


@pytest.mark.parametrize(
    ("certificate", "confirmed"),
    [
        ({"type_code": LICENCE_TYPE, "status": "valid", "valid_to": None}, True),
        ({"type_code": LICENCE_TYPE, "status": "valid", "valid_to": "2026-11-28"}, True),
        ({"type_code": LICENCE_TYPE, "status": "valid", "valid_to": "2026-11-27"}, False),
        ({"type_code": LICENCE_TYPE, "status": "revoked", "valid_to": None}, False),
        ({"type_code": "OTHER", "status": "valid", "valid_to": None}, False),
    ],
)
def test_a_certificate_confirms_only_when_of_the_type_valid_and_in_date(
    sw, frozen, certificate, confirmed
):
    answer = services.Answer("certificates", "电子证照库", True, {"certificates": [certificate]})
    assert services.confirms(sw.licence, answer) is confirmed


def test_the_newest_verification_wins(sw, frozen):
    case = sw.draft()
    MaterialVerification.objects.create(case=case, material=sw.id_card, source="population",
                                         confirmed=True, summary="ok", at=NOW)  # fmt: skip
    assert services.confirmed_ids(case, [sw.id_card]) == {sw.id_card.pk}
    MaterialVerification.objects.create(case=case, material=sw.id_card, source="population",
                                        confirmed=False, summary="no",
                                        at=NOW + dt.timedelta(minutes=1))  # fmt: skip
    assert services.confirmed_ids(case, [sw.id_card]) == set()
    assert "居民身份证" in names(actions.missing_materials(case))


def test_the_confirmer_reads_in_one_query(sw, frozen, django_assert_num_queries):
    case = sw.draft()
    with django_assert_num_queries(1):
        services.confirmed_ids(case, [sw.id_card, sw.degree, sw.licence])


def test_a_failing_source_leaves_the_material_asked_for(sw, frozen):
    use_adapter("population", "test-failing")
    case = sw.draft()

    assert "居民身份证" in names(actions.missing_materials(case))
    verification = MaterialVerification.objects.get(case=case, material=sw.id_card)
    assert not verification.confirmed and verification.query.outcome == "error"

"""Asking a register for a case: recorded with who, about whom, which case and what came
back; refused for a case that does not need the source or a person who may not see it;
a failing source is an answer, not a crash; confirmed materials are not asked for."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.instant.conftest import (  # noqa: F401 (the fixture)
    answer_ids,
    apply,
    client_for,
    demo_city,
)
from tongban.cases import actions
from tongban.cases.models import Case, Channel
from tongban.catalog.models import Item
from tongban.demo.catalog_data import ITEM_BY_KEY
from tongban.org.models import User
from tongban.org.policy import SYSTEM, principal_for_user
from tongban.sharing import services
from tongban.sharing.models import DataSource, MaterialVerification, SharingQuery

pytestmark = pytest.mark.django_db


def draft(username: str, item_key: str) -> Case:
    user = User.objects.get(username=username)
    item = Item.objects.get(impl_code=ITEM_BY_KEY[item_key].impl_code)
    return actions.start_application(
        principal_for_user(user),
        item,
        applicant=user.applicant,
        channel=Channel.PORTAL,
        answers=answer_ids(item_key),
    )


def test_a_draft_has_its_materials_checked_and_confirmed_ones_are_not_asked(demo_city):  # noqa: F811
    case = draft("citizen", "senior_card")

    confirmed = MaterialVerification.objects.filter(case=case, confirmed=True)
    assert {v.material.name for v in confirmed} == {"申请人居民身份证", "本人近期二寸免冠彩色照片"}
    assert {m.name for m in actions.missing_materials(case)} == set()
    query = SharingQuery.objects.get(case=case)
    assert query.source.code == "population" and query.outcome == "found"
    assert query.actor_label == "system" and query.subject_masked.startswith("3714")
    assert query.returned["name"] == "李明"


def test_an_unconfirmed_material_is_asked_for(demo_city):  # noqa: F811
    DataSource.objects.filter(code="population").update(is_enabled=False)
    case = draft("citizen", "senior_card")

    assert "申请人居民身份证" in {m.name for m in actions.missing_materials(case)}
    assert SharingQuery.objects.get(case=case).outcome == "error"


def test_a_case_that_does_not_need_a_source_is_refused_and_recorded(demo_city):  # noqa: F811
    case = draft("citizen", "senior_card")
    with pytest.raises(PermissionDenied):
        services.lookup(SYSTEM, "credit", "371402195803120316", case=case, purpose="好奇")
    assert SharingQuery.objects.filter(case=case, outcome="refused", source__code="credit").exists()


def test_someone_who_may_not_see_the_case_is_refused(demo_city):  # noqa: F811
    case = draft("citizen", "senior_card")
    stranger = principal_for_user(User.objects.get(username="resident59"))
    with pytest.raises(PermissionDenied):
        services.lookup(stranger, "population", "371402195803120316", case=case, purpose="x")


def test_the_auditor_sees_the_query_log_and_a_clerk_does_not(demo_city):  # noqa: F811
    assert apply(client_for("citizen"), "senior_card").status_code == 201

    page = client_for("auditor").get("/workbench/sharing/", {"source": "population"})
    assert page.status_code == 200
    assert b'data-query="found"' in page.content
    assert client_for("clerk").get("/workbench/sharing/").status_code == 403
    assert client_for("auditor").get("/workbench/sharing/sources/").status_code == 200

    api = client_for("auditor").get("/api/v1/sharing/queries", {"source": "population"}).json()
    assert api["count"] >= 1 and "371402195803120316" not in str(api)
    assert client_for("clerk").get("/api/v1/sharing/queries").status_code == 403
    assert Client().get("/api/v1/sharing/queries").status_code == 401

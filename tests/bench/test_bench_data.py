"""The benchmarks' data builders still match the models: a bench that breaks on a new
column is found by CI, not on the day someone wants the figures."""

import pytest

from bench import cases_fixture, cases_volume
from tongban.cases import actions
from tongban.cases.models import Case, CaseEvent, Status
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


def test_the_volume_generator_writes_valid_cases_and_histories():
    w = cases_fixture.world()
    cases_volume.generate(w, 30)
    generated = Case.objects.filter(code__startswith="VOL")
    assert generated.count() == 30
    assert generated.filter(status=Status.IN_REVIEW, closed_at__isnull=True).count() == 3
    assert CaseEvent.objects.filter(case__code__startswith="VOL").count() == 30 * 4


def test_cloned_cases_can_be_accepted_by_the_real_action():
    w = cases_fixture.world()
    template = cases_fixture.submitted_case(w)
    [pk] = cases_fixture.clone_submitted(template, 1)
    case = actions.accept(
        principal_for_user(w.clerk), Case(pk=pk), service_point=w.hall, window=w.window
    )
    assert case.status == Status.IN_REVIEW


def test_the_bench_insert_endpoint_inserts_one_row(client, django_user_model):
    """The instant-approval bench's baseline endpoint works on the test database."""
    from bench.urls import TABLE, create_table
    from django.test import override_settings

    create_table()
    user = django_user_model.objects.create_user("bench", password="x")
    client.force_login(user)
    with override_settings(ROOT_URLCONF="bench.urls"):
        response = client.post("/bench/api/insert", "{}", content_type="application/json")
    assert response.status_code == 201
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        assert cursor.fetchone()[0] == 1

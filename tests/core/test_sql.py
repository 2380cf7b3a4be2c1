"""Hot-path SQL (``core.sql``): the same rows as the ORM, compiled once, seen by query
logging, and prepared on the server on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AgencyFactory, ServicePointFactory, UserFactory, WindowFactory, staff
from tongban.core import sql
from tongban.core.models import Notification
from tongban.org.models import StaffAssignment, StaffRole, User

pytestmark = pytest.mark.django_db

BY_PK = sql.Prepared(lambda pk: User.objects.filter(pk=pk))
ASSIGNMENTS = sql.Prepared(
    lambda pk: StaffAssignment.objects.filter(user_id=pk).select_related("agency").order_by("pk")
)
VALUES = sql.Prepared(lambda pk: User.objects.filter(pk=pk).values("username", "date_joined"))
TWO = sql.Prepared(lambda low, high: User.objects.filter(pk__gte=low, pk__lte=high), arity=2)


def test_a_prepared_query_returns_what_the_orm_returns():
    user = UserFactory(full_name="王五", phone="13800000000")
    found = BY_PK.first(user.pk)
    assert isinstance(found, User)
    orm = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(orm, field.attname), field.name
    assert found._state.adding is False
    assert BY_PK.first(user.pk + 1000) is None


def test_select_related_is_populated_without_another_query():
    reviewer = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory())
    [assignment] = ASSIGNMENTS.rows(reviewer.pk)
    with CaptureQueriesContext(connection) as queries:
        name = assignment.agency.name
    assert name == StaffAssignment.objects.get(pk=assignment.pk).agency.name
    assert len(queries) == 0


def test_values_come_back_as_dicts_with_database_converters_applied():
    user = UserFactory(username="converter")
    [row] = VALUES.rows(user.pk)
    assert row["username"] == "converter"
    assert isinstance(row["date_joined"], dt.datetime)
    assert timezone.is_aware(row["date_joined"])


def test_parameters_go_where_their_markers_were():
    users = [UserFactory() for _ in range(3)]
    found = TWO.rows(users[0].pk, users[1].pk)
    assert sorted(u.pk for u in found) == [users[0].pk, users[1].pk]


def test_a_builder_that_drops_a_marker_is_refused():
    broken = sql.Prepared(lambda pk: User.objects.all())
    with pytest.raises(ValueError, match="marker"):
        broken.rows(1)


def test_query_logging_sees_prepared_statements():
    user = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        BY_PK.first(user.pk)
    assert len(queries) == 1


def test_insert_sets_the_generated_key_and_fills_auto_fields():
    user = UserFactory()
    note = Notification(recipient=user, channel=Notification.Channel.INBOX, subject="s", body="b")
    sql.insert(note)
    assert note.pk is not None
    stored = Notification.objects.get(pk=note.pk)
    assert stored.subject == "s"
    assert stored.created_at is not None  # auto_now_add, as save() would set it


def test_update_writes_only_the_named_columns():
    user = UserFactory(full_name="旧名", phone="13800000001")
    user.full_name = "新名"
    user.phone = "13900000000"  # changed in memory, not named: stays as stored
    sql.update(user, ["full_name"])
    stored = User.objects.get(pk=user.pk)
    assert stored.full_name == "新名"
    assert stored.phone == "13800000001"


def test_an_integrity_error_is_djangos_and_leaves_nothing():
    from django.db import IntegrityError

    user = UserFactory()
    note = Notification(recipient_id=user.pk + 10_000, channel="inbox", subject="s", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert(note)
        User.objects.get(pk=user.pk)  # foreign keys are checked at commit on PostgreSQL
        connection.check_constraints()
    assert not Notification.objects.filter(subject="s").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepare is PostgreSQL's")
def test_on_postgresql_a_repeated_statement_is_prepared_on_the_server():
    user = UserFactory()
    for _ in range(sql.PREPARE_AFTER + 1):
        BY_PK.first(user.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "org_user"' in s and "$1" in s for s in statements)


def test_insert_many_writes_one_statement_and_keys_every_row_in_order():
    user = UserFactory()
    notes = [
        Notification(recipient=user, channel="inbox", subject=f"第{n}条", body="b")
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        sql.insert_many(notes)
    assert len(queries) == (1 if connection.features.can_return_rows_from_bulk_insert else 3)
    for note in notes:
        assert Notification.objects.get(pk=note.pk).subject == note.subject


def test_insert_many_refuses_rows_of_two_models():
    user = UserFactory()
    note = Notification(recipient=user, channel="inbox", subject="s", body="b")
    with pytest.raises(TypeError):
        sql.insert_many([note, User(username="other")])


WITH_COUNT = sql.Prepared(
    lambda pk: User.objects.filter(pk=pk).annotate(
        assignment_count=Count("assignments", distinct=True)
    )
)


def test_annotations_of_a_model_query_are_set_on_each_instance():
    reviewer = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory())
    [found] = WITH_COUNT.rows(reviewer.pk)
    assert isinstance(found, User)
    assert found.assignment_count == 1
    assert found.username == reviewer.username


def test_insert_many_and_update_inserts_keys_and_updates_together():
    user = UserFactory(full_name="旧名")
    notes = [
        Notification(recipient=user, channel="inbox", subject=f"第{n}条", body="b")
        for n in range(2)
    ]
    user.full_name = "新名"
    with CaptureQueriesContext(connection) as queries:
        sql.insert_many_and_update(notes, user, ["full_name"])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
    assert [Notification.objects.get(pk=n.pk).subject for n in notes] == ["第0条", "第1条"]
    assert User.objects.get(pk=user.pk).full_name == "新名"


def test_insert_many_and_update_refuses_when_the_row_to_update_is_gone():
    user = UserFactory()
    note = Notification(recipient=user, channel="inbox", subject="s", body="b")
    gone = User(pk=user.pk + 10_000, username="gone")
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement form is PostgreSQL's")
    with pytest.raises(RuntimeError), transaction.atomic():
        sql.insert_many_and_update([note], gone, ["full_name"])
    assert not Notification.objects.filter(subject="s").exists()


USER_WITH_ASSIGNMENTS = sql.WithChildren(
    User, StaffAssignment, "user", ["agency", "service_point", "window"], ["role", "id"]
)


def test_with_children_reads_a_row_and_its_children_in_one_statement():
    agency = AgencyFactory(name="德州市民政局")
    hall = ServicePointFactory()
    window = WindowFactory(service_point=hall, number="B07")
    user = staff(StaffRole.SECTION_CHIEF, agency=agency, full_name="赵六")
    StaffAssignment.objects.create(
        user=user, role=StaffRole.WINDOW_CLERK, service_point=hall, window=window
    )
    with CaptureQueriesContext(connection) as queries:
        found, children = USER_WITH_ASSIGNMENTS(user.pk)
        names = [
            (c.role, c.agency and c.agency.name, c.window and c.window.number, c.user.full_name)
            for c in children
        ]
    assert len(queries) == 1
    assert isinstance(found, User) and found.full_name == "赵六"
    assert isinstance(found.date_joined, dt.datetime) and timezone.is_aware(found.date_joined)
    assert names == [
        (StaffRole.SECTION_CHIEF, "德州市民政局", None, "赵六"),
        (StaffRole.WINDOW_CLERK, None, "B07", "赵六"),
    ]
    assert all(c.user is found for c in children)


def test_with_children_a_row_without_children_and_no_row_at_all():
    user = UserFactory(kind=User.Kind.APPLICANT)
    found, children = USER_WITH_ASSIGNMENTS(user.pk)
    assert found == user and children == []
    assert USER_WITH_ASSIGNMENTS(user.pk + 1000) == (None, [])

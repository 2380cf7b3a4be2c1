"""Two clerks on one case at once: one wins, the other is told clearly; nothing is lost."""

import threading

import pytest
from django.db import connection, connections

from tongban.cases import actions
from tongban.cases.models import CaseEvent, Status
from tongban.cases.transitions import IllegalTransition

from .helpers import online_case


def test_a_page_older_than_the_case_is_refused(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    seen = case.revision
    actions.propose_non_acceptance(world.p(world.clerk), case, reason="材料不全", revision=seen)
    events = CaseEvent.objects.count()
    with pytest.raises(actions.StaleCase) as refused:
        actions.accept(world.p(world.clerk), case, service_point=world.hall, revision=seen)
    assert "刷新" in refused.value.messages[0]
    case.refresh_from_db()
    assert case.status == Status.NON_ACCEPTANCE_PENDING
    assert CaseEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_clerks_accept_at_once_one_wins(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    other = world.clerk.__class__.objects.create_user(username="clerk2", password="x" * 12)
    other.assignments.create(role="window_clerk", service_point=world.hall)
    results: list[object] = []
    barrier = threading.Barrier(2)

    def act(user):
        try:
            barrier.wait()
            actions.accept(world.p(user), case, service_point=world.hall, revision=case.revision)
            results.append("ok")
        except (actions.StaleCase, IllegalTransition) as refused:
            results.append(refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (world.clerk, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1
    assert len(results) == 2
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert case.events.filter(action="accept").count() == 1

"""Starting a draft of an item whose materials name a data source checks them at once;
a failing source never fails the start; an item naming none asks nothing."""

import pytest

from tongban.cases import actions
from tongban.catalog.models import Material
from tongban.sharing import services
from tongban.sharing.models import MaterialVerification, SharingQuery

from .conftest import put_record, use_adapter


def test_a_new_draft_has_its_materials_checked(sw):
    put_record("population", sw.subject, {"name": "李四"})

    case = sw.draft()

    confirmed = MaterialVerification.objects.filter(case=case, confirmed=True)
    assert [v.material for v in confirmed] == [sw.id_card]
    assert "居民身份证" not in {m.name for m in actions.missing_materials(case)}
    queries = SharingQuery.objects.filter(case=case)
    assert {q.source.code for q in queries} == {"population", "education", "certificates"}
    assert {q.actor_label for q in queries} == {"system"}


def test_a_failing_source_does_not_fail_the_draft(sw):
    use_adapter("population", "test-failing")
    use_adapter("education", "test-failing")

    case = sw.draft()

    assert case.pk is not None and case.status == "draft"
    assert set(SharingQuery.objects.filter(case=case).values_list("outcome", flat=True)) >= {
        "error"
    }


def test_even_an_unexpected_error_in_the_check_does_not_fail_the_draft(sw, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "verify_materials", broken)

    case = sw.draft()

    assert case.pk is not None
    assert not MaterialVerification.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_an_item_naming_no_source_asks_nothing(world):
    assert not Material.objects.filter(version__item=world.item).exclude(shared_source="").exists()

    actions.start_application(
        world.p(world.citizen),
        world.item,
        applicant=world.applicant,
        channel="portal",
        answers=world.answers("自有房产", "否"),
    )

    assert not SharingQuery.objects.exists()

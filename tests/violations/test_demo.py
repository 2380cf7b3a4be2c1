"""The demo's notice: the market regulator's officer reports one of its licences, once."""

import pytest

from tongban.demo.case_loader import load_demo_cases
from tongban.demo.loader import load_demo_city
from tongban.org.models import User
from tongban.org.policy import principal_for_user
from tongban.violations import demo_data, services
from tongban.violations.models import Status, ViolationNotice


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_the_demo_notice_is_loaded_once_and_awaits_the_chief():
    assert demo_data.load() == {"violation_notices_created": 0}  # no demo city yet
    load_demo_city()
    load_demo_cases()
    assert demo_data.load() == {"violation_notices_created": 1}
    assert demo_data.load() == {"violation_notices_created": 0}
    notice = ViolationNotice.objects.get()
    assert notice.status == Status.RECEIVED
    assert notice.reported_by.username == "supervisor"
    assert notice.agency.name == demo_data.REGULATOR
    assert notice.evidence.count() == 1
    deciders = [
        name
        for name in ("chief", "amr_chief")
        if services.awaiting_decision(principal_for_user(User.objects.get(username=name)))
        .filter(pk=notice.pk)
        .exists()
    ]
    assert deciders

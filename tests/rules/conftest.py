"""Decision-rule fixtures: the demo city (catalog, staff, demo rules), logged-in clients,
and unsaved rules built from the demo JDM files for pure evaluation tests."""

import datetime as dt

import pytest
from django.test import Client

from tongban.org.models import User
from tongban.rules.demo_data import DEMO_RULES
from tongban.rules.models import DecisionRule, Mode, jdm_sha256


def unsaved_rule(key: str, *, mode: str = Mode.ACTIVE) -> DecisionRule:
    """The demo rule ``key`` as an unsaved revision (``services.evaluate`` needs no DB)."""
    spec = DEMO_RULES[key]
    jdm = spec.jdm
    return DecisionRule(
        revision=1,
        name=spec.name,
        jdm=jdm,
        jdm_sha256=jdm_sha256(jdm),
        sources=list(spec.sources),
        effective_from=dt.date(2026, 1, 1),
        mode=mode,
    )


@pytest.fixture
def demo_city(db):
    from tongban.demo.loader import load_demo_city

    return load_demo_city()


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client

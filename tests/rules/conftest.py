"""Decision-rule fixtures: a small world (one published item version, a catalog
administrator, a window clerk, a platform administrator), the demo city for the pages
with the demo rules, and unsaved rules built from the demo JDM files for pure tests."""

import datetime as dt
import itertools
import json
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import AgencyFactory, StaffRole, applicant_account, staff
from tongban.cases.models import Case
from tongban.catalog.models import Item, ItemType, ItemVersion
from tongban.org.models import User
from tongban.org.policy import Principal, principal_for_user
from tongban.rules.demo_data import DEMO_RULES
from tongban.rules.models import DecisionRule, Mode, jdm_sha256

ELDERLY_JDM = DEMO_RULES["elderly_card"].raw


def unsaved_rule(key: str, *, mode: str = Mode.ACTIVE) -> DecisionRule:
    """The demo rule ``key`` as an unsaved revision (``services.evaluate`` needs no DB)."""
    spec = DEMO_RULES[key]
    return rule_from(spec.jdm, mode=mode, sources=list(spec.sources), name=spec.name)


def rule_from(jdm: dict, *, mode: str = Mode.ACTIVE, sources=(), name: str = "测试规则"):
    """An unsaved revision with this JDM document."""
    return DecisionRule(
        revision=1,
        name=name,
        jdm=jdm,
        jdm_sha256=jdm_sha256(jdm),
        sources=list(sources),
        effective_from=dt.date(2026, 1, 1),
        mode=mode,
    )


def graph(*middle: dict, edges: list[tuple[str, str]] | None = None) -> dict:
    """A JDM graph: input → the ``middle`` nodes in a chain → output."""
    nodes = [
        {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
        *middle,
        {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}},
    ]
    if edges is None:
        chain = [n["id"] for n in nodes]
        edges = list(itertools.pairwise(chain))
    return {
        "nodes": nodes,
        "edges": [
            {"id": f"e{i}", "sourceId": s, "targetId": t, "type": "edge"}
            for i, (s, t) in enumerate(edges)
        ],
    }


def expression(**values: str) -> dict:
    """An expression node setting each key to its expression."""
    return {
        "id": "expr",
        "type": "expressionNode",
        "name": "expr",
        "position": {"x": 0, "y": 0},
        "content": {
            "expressions": [
                {"id": f"x{i}", "key": key, "value": value}
                for i, (key, value) in enumerate(values.items())
            ]
        },
    }


def as_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


@dataclass
class RulesWorld:
    version: ItemVersion
    other_version: ItemVersion
    catalog_admin: User
    clerk: User
    platform_admin: User
    agency: object

    def case(self, user: User | None = None) -> Case:
        """A case of the world's item version, for ``user``'s applicant (a new one)."""
        if user is None:
            user, applicant = applicant_account()
        else:
            applicant = user.applicant
        return Case.objects.create(
            item=self.version.item,
            item_version=self.version,
            applicant=applicant,
            submitted_by=user,
            channel="online",
            deciding_agency=self.agency,
        )

    def p(self, user: User) -> Principal:
        return principal_for_user(user)


def _version(agency, code: str, name: str) -> ItemVersion:
    item = Item.objects.create(catalog_code=code, impl_code=f"{code}-T", agency=agency)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name=name,
        item_type=ItemType.BENEFIT,
        legal_basis="《测试依据》",
        case_type=ItemVersion.CaseType.INSTANT,
        statutory_limit=20,
        promised_limit=0,
        online_depth=4,
        target_applicants=["person"],
    )
    ItemVersion.objects.filter(pk=version.pk).update(status=ItemVersion.Status.PUBLISHED)
    version.refresh_from_db()
    return version


@pytest.fixture
def rules_world(db) -> RulesWorld:
    agency = AgencyFactory()
    return RulesWorld(
        version=_version(agency, "GG0001", "老年人优待证办理"),
        other_version=_version(agency, "GG0002", "高龄津贴申领"),
        catalog_admin=staff(StaffRole.CATALOG_ADMIN, agency=agency),
        clerk=staff(StaffRole.WINDOW_CLERK, agency=agency),
        platform_admin=staff(StaffRole.PLATFORM_ADMIN),
        agency=agency,
    )


@pytest.fixture
def demo_city(db):
    from tongban.demo.loader import load_demo_city

    return load_demo_city()


def client_for(user: User | str) -> Client:
    client = Client()
    if isinstance(user, str):
        user = User.objects.get(username=user)
    client.force_login(user)
    return client

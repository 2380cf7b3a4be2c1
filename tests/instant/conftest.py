"""The demo city with its instant-approval items, rules, data sources and certificate
types: instant approval is tried as its users would, on the real catalog."""

import json

import pytest
from django.test import Client

from tongban.catalog.models import SituationOption
from tongban.demo.catalog_data import ITEM_BY_KEY
from tongban.demo.loader import load_demo_city
from tongban.org.models import User


@pytest.fixture
def demo_city(db):
    return load_demo_city()


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


# The answer each demo item's questions need (a resident applying for themselves).
ANSWERS = {
    "senior_card": ["本人办理"],
    "teacher_qualification": ["高级中学", "否"],
    "nurse": ["延续注册"],
}


def answer_ids(item_key: str, texts=None) -> list[int]:
    impl_code = ITEM_BY_KEY[item_key].impl_code
    wanted = ANSWERS.get(item_key, []) if texts is None else texts
    return [
        SituationOption.objects.get(
            question__version__item__impl_code=impl_code,
            question__version__status="published",
            text=text,
        ).pk
        for text in wanted
    ]


def apply(client: Client, item_key: str, answers=None, **form):
    return client.post(
        "/api/v1/instant/apply",
        json.dumps(
            {
                "item": ITEM_BY_KEY[item_key].impl_code,
                "form_data": form,
                "answers": answer_ids(item_key, answers),
                "channel": "mobile",
            }
        ),
        content_type="application/json",
    )

"""``POST /api/v1/naming/check``: anyone checks a name; errors as {code, message}."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/api/v1/naming/check"
JSON = "application/json"


def test_anyone_checks_a_name_and_is_told_why(registry):
    client = Client()
    taken = client.post(URL, {"name": "德州市鑫源食品有限公司"}, content_type=JSON)
    assert taken.status_code == 200
    body = taken.json()
    assert body["outcome"] == "refused"
    assert body["findings"][0]["existing"] == ["德州市鑫源食品有限公司"]
    assert body["parts"] == {
        "division": "德州市",
        "trade_name": "鑫源",
        "industry": "食品",
        "form": "有限公司",
    }
    fresh = client.post(
        URL, {"name": "德州市青禾餐饮管理有限公司", "region_code": registry.code}, content_type=JSON
    ).json()
    assert fresh["outcome"] == "ok" and fresh["findings"] == []


def test_bad_input_gets_a_clear_error(registry):
    client = Client()
    unknown = client.post(
        URL, {"name": "德州市青禾餐饮有限公司", "region_code": "999999"}, content_type=JSON
    )
    assert unknown.status_code == 404 and set(unknown.json()) >= {"code", "message"}
    missing = client.post(URL, {}, content_type=JSON)
    assert missing.status_code in {400, 422} and "message" in missing.json()
    english = client.post(
        URL, {"name": "中国鑫源食品"}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert english["outcome"] == "refused"
    assert any("form" in f["message"].lower() for f in english["findings"])

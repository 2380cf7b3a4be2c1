"""The public list of revoked certificates (撤销、吊销公示): page and API, no login."""

from django.test import Client
from django.urls import reverse

from tongban.violations import actions

from .conftest import file_notice


def test_revoked_certificates_are_listed_publicly(vw):
    w = vw.base
    assert Client().get("/api/v1/violations/revoked-certificates").json()["count"] == 0
    notice = file_notice(vw)
    actions.decide(w.p(w.chief), notice, measure="revoke", reasons="承诺不实")
    body = Client().get("/api/v1/violations/revoked-certificates").json()
    assert body["count"] == 1
    [row] = body["items"]
    assert row["identifier"] == vw.certificate.identifier
    assert row["status"] == "revoked"
    assert row["status_code"] == "03"
    assert row["holder_name"] == "李*"
    assert row["verify_url"].endswith(f"?t={vw.certificate.verify_token}")

    page = Client().get(reverse("portal:certificates-revoked"))
    assert page.status_code == 200
    html = page.content.decode()
    assert vw.certificate.identifier in html
    assert "李*" in html
    assert "李四" not in html
    assert f"?t={vw.certificate.verify_token}" in html


def test_withdrawn_are_listed_cancelled_are_not(vw):
    w = vw.base
    actions.decide(w.p(w.chief), file_notice(vw), measure="cancel", reasons="主体已注销")
    assert Client().get("/api/v1/violations/revoked-certificates").json()["count"] == 0
    assert vw.certificate.identifier not in Client().get("/verify/revoked/").content.decode()


def test_withdrawn_is_listed(vw):
    w = vw.base
    actions.decide(w.p(w.chief), file_notice(vw), measure="withdraw", reasons="严重违法")
    [row] = Client().get("/api/v1/violations/revoked-certificates").json()["items"]
    assert row["status"] == "withdrawn"
    assert 'data-status="withdrawn"' in Client().get("/verify/revoked/").content.decode()

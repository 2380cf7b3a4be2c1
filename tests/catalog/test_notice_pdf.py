"""The one-time notification PDF lists exactly what applies, in an embedded CJK font."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.catalog.factories import option, published_item

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_notice_pdf_for_rented_premises(settings):
    item = published_item()
    answers = f"{option(item, '租赁').pk},{option(item, '否').pk}"
    response = Client().get(
        f"/api/v1/catalog/items/{item.impl_code}/notice.pdf", {"answers": answers}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"/FontFile2" in response.content  # the TrueType font is embedded
    text = _text(response.content)
    for expected in [
        "一次性告知",
        "食品经营许可",
        "房屋租赁合同",
        "营业执照",
        "经营场所权属? 租赁",
    ]:
        assert expected in text, expected
    assert "房屋产权证明" not in text and "网站备案信息" not in text


def test_notice_pdf_needs_every_answer():
    item = published_item()
    response = Client().get(
        f"/api/v1/catalog/items/{item.impl_code}/notice.pdf",
        {"answers": str(option(item, "租赁").pk)},
    )
    assert response.status_code == 400
    bad = Client().get(f"/api/v1/catalog/items/{item.impl_code}/notice.pdf", {"answers": "x,y"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_answers"

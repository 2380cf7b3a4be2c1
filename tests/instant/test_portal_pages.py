"""The portal's side: an instant item says so on its guide; once a draft exists, what a
register confirmed reads "verified from <source>" instead of an upload box; the case page
shows the decision with the certificate, or the reasons a person now decides."""

import pytest

from tongban.catalog.models import SituationOption
from tongban.demo.catalog_data import ITEM_BY_KEY

from .conftest import answer_ids, apply, client_for

pytestmark = pytest.mark.django_db


def test_the_guide_says_instant_and_the_draft_shows_what_was_verified(demo_city):
    client = client_for("citizen")
    impl_code = ITEM_BY_KEY["senior_card"].impl_code
    assert b"data-instant-item" in client.get(f"/items/{impl_code}/").content

    [myself] = answer_ids("senior_card")
    option = SituationOption.objects.get(pk=myself)
    saved = client.post(
        f"/items/{impl_code}/apply/", {f"q{option.question_id}": myself, "intent": "save"}
    )
    assert saved.status_code == 302
    draft = client.get(saved["Location"])
    page = draft.content.decode()
    assert page.count("data-verified") == 2  # the ID card and the photo
    assert "人口信息库" in page


def test_the_case_page_shows_the_certificate_or_the_reasons(demo_city):
    approved = apply(client_for("citizen"), "senior_card").json()
    page = client_for("citizen").get(f"/me/cases/{approved['case_id']}/").content.decode()
    assert 'data-instant-outcome="approve"' in page and "data-certificate-download" in page

    referred = apply(client_for("resident59"), "senior_card").json()
    page = client_for("resident59").get(f"/me/cases/{referred['case_id']}/").content.decode()
    assert 'data-instant-outcome="refer"' in page and "年龄未满60周岁" in page


def test_the_clerk_sees_the_rule_s_reasons_on_the_case_page(demo_city):
    referred = apply(client_for("resident59"), "senior_card").json()
    page = client_for("clerk").get(f"/workbench/cases/{referred['case_id']}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "data-rule-evaluations" in content and "年龄未满60周岁" in content
    assert "data-sharing-queries" in content

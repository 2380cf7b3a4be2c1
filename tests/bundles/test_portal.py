"""The applicant's pages: apply once for every service, upload each material once, submit,
follow every part; bad input changes nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import PDF
from tongban.bundles.models import BundleCase
from tongban.cases.models import Case, Status

ANSWER = {"a1": "是否设立分支机构?|否"}
FORM = {"company": "德州市青禾食品有限公司", "phone": "13900000000", "address": "德城区"}


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", PDF + name.encode(), content_type="application/pdf")


def test_apply_upload_once_submit_and_follow_every_part(bw):
    client = _as(bw.base.citizen)
    guide = client.get("/bundles/startup/")
    assert b"data-apply-bundle" in guide.content
    page = client.get("/bundles/startup/apply/")
    assert page.status_code == 200 and "是否设立分支机构?" in page.content.decode()

    made = client.post("/bundles/startup/apply/", {**ANSWER, **FORM})
    parent = BundleCase.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/me/bundles/{parent.pk}/"
    page = client.get(made["Location"]).content.decode()
    assert page.count("data-missing=") == 2 and "法定代表人身份证明" in page

    refused = client.post(f"/me/bundles/{parent.pk}/submit/")
    assert refused.status_code == 400 and "食品经营许可申请书" in refused.content.decode()
    for name in ["法定代表人身份证明", "食品经营许可申请书"]:
        sent = client.post(
            f"/me/bundles/{parent.pk}/materials/", {"material": name, "file": _file(name)}
        )
        assert sent.status_code == 302
    done = client.post(f"/me/bundles/{parent.pk}/submit/")
    assert done.status_code == 302
    assert set(Case.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    page = client.get(f"/me/bundles/{parent.pk}/").content.decode()
    assert page.count("data-part=") == 3 and "YJS" in page
    assert "data-bundle-applications" in client.get("/me/cases/").content.decode()


def test_bad_input_is_refused_on_the_page_and_nothing_is_saved(bw):
    client = _as(bw.base.citizen)
    missing = client.post("/bundles/startup/apply/", {**FORM, "company": ""})
    text = missing.content.decode()
    assert missing.status_code == 400 and "是否设立分支机构?" in text and "企业名称" in text
    assert not BundleCase.objects.exists() and not Case.objects.exists()
    client.post("/bundles/startup/apply/", {**ANSWER, **FORM})
    parent = BundleCase.objects.get()
    nothing = client.post(f"/me/bundles/{parent.pk}/materials/", {"material": "x"})
    assert nothing.status_code == 400
    exe = SimpleUploadedFile("id.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    wrong = client.post(
        f"/me/bundles/{parent.pk}/materials/", {"material": "法定代表人身份证明", "file": exe}
    )
    assert wrong.status_code == 400
    assert not parent.members.filter(case__materials__isnull=False).exists()


def test_a_stranger_sees_nothing(bw):
    from tests.factories import applicant_account

    _as(bw.base.citizen).post("/bundles/startup/apply/", {**ANSWER, **FORM})
    parent = BundleCase.objects.get()
    stranger, _ = applicant_account(name="王五", username="wangwu")
    assert _as(stranger).get(f"/me/bundles/{parent.pk}/").status_code == 404
    assert _as(stranger).post(f"/me/bundles/{parent.pk}/submit/").status_code == 404


def test_the_company_name_is_checked_while_typing(bw):
    from tongban.catalog.models import Bundle
    from tongban.naming import services as naming

    fields = [dict(f) for f in bw.bundle.form_fields]
    fields[0]["check"] = "enterprise_name"
    Bundle.objects.filter(pk=bw.bundle.pk).update(form_fields=fields)
    naming.register_name("德州市鑫源食品有限公司")
    client = Client()
    taken = client.post("/bundles/startup/check-name/", {"company": "德州市鑫源食品有限公司"})
    assert 'data-outcome="refused"' in taken.content.decode()
    free = client.post("/bundles/startup/check-name/", {"company": "德州市青禾食品有限公司"})
    assert 'data-outcome="ok"' in free.content.decode()

"""The certificate library as a data source: what a subject holds, by resident ID number
or credit code, found by blind index; None for someone who holds nothing."""

import datetime as dt

from tongban.certificates import actions
from tongban.core.adapters import get_adapter
from tongban.core.adapters.data_sources import PORT, SourceRequest

from .conftest import approved_and_issued, certificate_of


def fetch(subject: str, **options):
    return get_adapter(PORT, "certificate_library").fetch(
        SourceRequest(source="certificate_library", subject=subject, options=options)
    )


def test_the_holder_finds_their_certificates(cw):
    certificate = certificate_of(approved_and_issued(cw.base))
    found = fetch(cw.base.applicant.id_number)
    assert found == {
        "certificates": [
            {
                "type_code": "11100000000013338W050",
                "type_name": "食品经营许可证",
                "identifier": certificate.identifier,
                "number": certificate.number,
                "status": "valid",
                "status_code": "01",
                "valid_from": certificate.valid_from.isoformat(),
                "valid_to": certificate.valid_to.isoformat(),
                "issuer_name": certificate.issuer_name,
            }
        ]
    }
    assert fetch(cw.base.applicant.id_number.lower())["certificates"]  # an x, as typed


def test_someone_holding_nothing_gets_none(cw):
    approved_and_issued(cw.base)
    from tests.factories import make_resident_id, make_uscc

    assert fetch(make_resident_id()) is None
    assert fetch(make_uscc("371402", prefix="91")) is None


def test_status_and_options(cw):
    certificate = certificate_of(approved_and_issued(cw.base))
    actions.change_status(cw.p(cw.base.chief), certificate, "suspend", reason="立案调查")
    subject = cw.base.applicant.id_number
    assert fetch(subject)["certificates"][0]["status"] == "suspended"
    assert fetch(subject, valid_only=True) is None
    assert fetch(subject, type_code="11100000000013338W099") is None
    assert fetch(subject, type_code=certificate.type_code.lower())["certificates"]


def test_an_expired_certificate_says_expired(cw):
    import time_machine

    certificate = certificate_of(approved_and_issued(cw.base))
    later = dt.datetime.combine(certificate.valid_to + dt.timedelta(days=1), dt.time(12))
    with time_machine.travel(later.replace(tzinfo=dt.UTC), tick=False):
        assert fetch(cw.base.applicant.id_number)["certificates"][0]["status"] == "expired"


def test_the_adapter_is_registered_at_startup():
    from tongban.core.adapters import registered

    assert "certificate_library" in registered(PORT)

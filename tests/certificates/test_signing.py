"""The signer: a development key generated once and reused, a configured PKCS#12 file, and
the registry an SM2 or hardware signer plugs into."""

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ImproperlyConfigured

from tongban.certificates import signing
from tongban.core.adapters import register


@pytest.fixture
def fresh_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    signing.reset()
    return tmp_path


def test_the_development_key_is_generated_once_and_reused(fresh_var):
    path = signing.development_pkcs12_path()
    assert not path.exists()
    first = signing.signer()
    assert path.exists() and path.parent == fresh_var / "signing"
    assert path.stat().st_mode & 0o077 == 0  # readable by the owner only
    stored = path.read_bytes()
    assert signing.signer() is first  # loaded once per process
    signing.reset()  # as a new process would
    again = signing.signer()
    assert again is not first
    assert again.key_id == first.key_id
    assert path.read_bytes() == stored
    certificate = x509.load_der_x509_certificate(again.certificate_der)
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    assert names[0].value == "tongban development signer"
    assert again.key_id == hashlib.sha256(again.certificate_der).hexdigest()


def test_two_processes_generating_at_once_end_with_one_key(fresh_var, monkeypatch):
    """The second writer finds the first's file in place and uses it."""
    path = signing.development_pkcs12_path()
    real = signing._generate_development_pkcs12
    theirs = real()

    def racing():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(theirs)  # the other process wins while we generate
        return real()

    monkeypatch.setattr(signing, "_generate_development_pkcs12", racing)
    monkeypatch.setattr(type(path), "exists", lambda self: False, raising=True)
    data = signing._development_pkcs12()
    monkeypatch.undo()
    assert data == theirs
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".signer-")]


def test_metadata_signatures_verify_only_unchanged(fresh_var):
    signer = signing.signer()
    signature = signer.sign_metadata(b'{"a":1}')
    assert signer.verify_metadata(b'{"a":1}', signature)
    assert not signer.verify_metadata(b'{"a":2}', signature)
    assert not signer.verify_metadata(b'{"a":1}', signature[:-1] + bytes([signature[-1] ^ 1]))


def _pkcs12(tmp_path, key, password: bytes | None):
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "德州市行政审批服务局")])
    import datetime as dt

    from cryptography.hazmat.primitives import hashes

    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    path = tmp_path / "bureau.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"bureau", key, certificate, None, encryption)
    )
    return path, certificate


def test_a_configured_pkcs12_file_is_used(settings, tmp_path):
    path, certificate = _pkcs12(tmp_path, ec.generate_private_key(ec.SECP256R1()), b"s3cret")
    settings.TONGBAN_SIGNING_PKCS12 = str(path)
    settings.TONGBAN_SIGNING_PASSWORD = "s3cret"
    settings.VAR_DIR = tmp_path / "var"
    signing.reset()
    signer = signing.signer()
    assert signer.certificate_der == certificate.public_bytes(serialization.Encoding.DER)
    assert not signing.development_pkcs12_path().exists()  # no development key made


def test_a_wrong_password_or_key_is_a_configuration_error(settings, tmp_path):
    path, _certificate = _pkcs12(tmp_path, ec.generate_private_key(ec.SECP256R1()), b"s3cret")
    settings.TONGBAN_SIGNING_PKCS12 = str(path)
    settings.TONGBAN_SIGNING_PASSWORD = "wrong"
    signing.reset()
    with pytest.raises(ImproperlyConfigured):
        signing.signer()
    rsa_path, _ = _pkcs12(tmp_path, rsa.generate_private_key(65537, 2048), None)
    settings.TONGBAN_SIGNING_PKCS12 = str(rsa_path)
    settings.TONGBAN_SIGNING_PASSWORD = ""
    signing.reset()
    with pytest.raises(ImproperlyConfigured):
        signing.signer()
    settings.TONGBAN_SIGNING_PKCS12 = str(tmp_path / "missing.p12")
    signing.reset()
    with pytest.raises(ImproperlyConfigured):
        signing.signer()


@register(signing.PORT, "test_hardware")
class _HardwareSigner:
    """What a hardware (or SM2) signer provides."""

    name = "test_hardware"
    key_id = "f" * 64
    certificate_der = b""

    def sign_metadata(self, data: bytes) -> bytes:
        return b"hw:" + hashlib.sha256(data).digest()

    def verify_metadata(self, data: bytes, signature: bytes) -> bool:
        return signature == self.sign_metadata(data)

    def sign_pdf(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        return pdf


def test_another_signer_is_chosen_by_the_adapter_setting(settings):
    settings.TONGBAN_ADAPTERS = {**settings.TONGBAN_ADAPTERS, signing.PORT: "test_hardware"}
    signing.reset()
    assert isinstance(signing.signer(), _HardwareSigner)
    settings.TONGBAN_ADAPTERS = {
        k: v for k, v in settings.TONGBAN_ADAPTERS.items() if k != signing.PORT
    }
    signing.reset()
    assert signing.signer().name == signing.DEFAULT

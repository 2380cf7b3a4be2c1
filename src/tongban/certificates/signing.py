"""Who signs certificates: a small interface, a registry, and the default ECDSA P-256 signer.

The national practice seals certificates with SM2 (GB/T 36905) through a hardware device;
that signer registers on port ``certificate_signer`` of the adapter registry beside the
default one and is chosen by ``TONGBAN_ADAPTERS["certificate_signer"]``. Every signer
signs two things: the canonical JSON of a certificate's metadata (at issue, on the request
path: tens of µs) and the certificate's PDF (PAdES, in the background).

The default signer takes its key and X.509 certificate from the PKCS#12 file named by
``TONGBAN_SIGNING_PKCS12`` (password ``TONGBAN_SIGNING_PASSWORD``). Without one, a
development key and a self-signed certificate are generated on first use and kept under
``VAR_DIR/signing/``; later runs and the other processes reuse that file. It is loaded
once per process (:func:`signer`).
"""

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.core.adapters import get_adapter, register

PORT = "certificate_signer"
DEFAULT = "ecdsa_p256"
DEVELOPMENT_FILE = "development-signer.p12"
DEVELOPMENT_NAME = "tongban development signer"
DEVELOPMENT_ORGANISATION = "德州市行政审批服务局"

T = TypeVar("T")


class Signer(Protocol):
    """What the certificates app needs of a signer (SM2 or hardware ones implement it too)."""

    name: str

    @property
    def key_id(self) -> str:
        """SHA-256 (hex) of the signer's X.509 certificate in DER: names the key."""

    @property
    def certificate_der(self) -> bytes:
        """The signer's X.509 certificate (DER): what verification trusts."""

    def sign_metadata(self, data: bytes) -> bytes:
        """A signature over ``data`` (the metadata's canonical JSON)."""

    def verify_metadata(self, data: bytes, signature: bytes) -> bool:
        """True if ``signature`` is this signer's over ``data``."""

    def sign_pdf(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """``pdf`` with a PAdES signature covering the whole file appended."""


# ---------------------------------------------------------------- the default signer


def outside_event_loop(call: Callable[[], T]) -> T:
    """``call()``, in a thread of its own when this thread runs an event loop: pyHanko's
    synchronous functions start one of their own (``asyncio.run``), which a running loop
    forbids (an ASGI server, Playwright's sync API in the browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _generate_development_pkcs12() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEVELOPMENT_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_NAME),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        DEVELOPMENT_NAME.encode(), key, certificate, None, serialization.NoEncryption()
    )


def development_pkcs12_path() -> Path:
    return Path(settings.VAR_DIR) / "signing" / DEVELOPMENT_FILE


def _development_pkcs12() -> bytes:
    """The development key file, generated once: the first process to write it wins
    (a hard link fails if the name exists), every other one reads what it wrote."""
    path = development_pkcs12_path()
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _generate_development_pkcs12()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signer-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_bytes()


@register(PORT, DEFAULT)
class EcdsaP256Signer:
    """ECDSA over P-256 with SHA-256; PAdES signatures through pyHanko."""

    name = DEFAULT

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import pkcs12

        configured = settings.TONGBAN_SIGNING_PKCS12
        if configured:
            try:
                data = Path(configured).read_bytes()
            except OSError as error:
                raise ImproperlyConfigured(
                    f"TONGBAN_SIGNING_PKCS12: cannot read {configured}: {error}"
                ) from error
            password = settings.TONGBAN_SIGNING_PASSWORD.encode() or None
        else:
            data, password = _development_pkcs12(), None
        try:
            key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
        except ValueError as error:
            raise ImproperlyConfigured(
                "TONGBAN_SIGNING_PKCS12: not a PKCS#12 file, or the wrong password"
            ) from error
        if (
            not isinstance(key, ec.EllipticCurvePrivateKey)
            or not isinstance(key.curve, ec.SECP256R1)
            or certificate is None
        ):
            raise ImproperlyConfigured(
                "TONGBAN_SIGNING_PKCS12 must hold an ECDSA P-256 key and its certificate"
            )
        self._key = key
        self._public_key = key.public_key()
        self._certificate = certificate
        der = certificate.public_bytes(serialization.Encoding.DER)
        self._certificate_der = der
        self._chain_der = [c.public_bytes(serialization.Encoding.DER) for c in chain or []]
        self._key_id = hashlib.sha256(der).hexdigest()
        self._pdf_signer = None
        # Room for the CMS container (hex digits: twice its bytes): the signature, its
        # attributes and the certificates. Given, pyHanko signs once; otherwise it signs a
        # dry run first to measure it.
        self._bytes_reserved = 2 * (1536 + len(der) + sum(len(c) for c in self._chain_der))

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def certificate_der(self) -> bytes:
        return self._certificate_der

    @property
    def subject(self) -> str:
        return self._certificate.subject.rfc4514_string()

    def sign_metadata(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def verify_metadata(self, data: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            self._public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True

    def _pyhanko_signer(self):
        if self._pdf_signer is None:
            from asn1crypto import keys, x509
            from cryptography.hazmat.primitives import serialization
            from pyhanko.sign import signers
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            private = keys.PrivateKeyInfo.load(
                self._key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            certificate = x509.Certificate.load(self._certificate_der)
            chain = [x509.Certificate.load(der) for der in self._chain_der]
            self._pdf_signer = signers.SimpleSigner(
                signing_cert=certificate,
                signing_key=private,
                cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),
            )
        return self._pdf_signer

    def sign_pdf(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name="CertificateSignature",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            # A certification signature forbidding any change: an incremental update
            # appended later (a changed page, a new annotation) voids it.
            certify=True,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        )

        def sign() -> bytes:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            output = signers.sign_pdf(
                writer, meta, signer=self._pyhanko_signer(), bytes_reserved=self._bytes_reserved
            )
            return output.getvalue()

        return outside_event_loop(sign)


# ---------------------------------------------------------------- the registry


def configured_name() -> str:
    return getattr(settings, "TONGBAN_ADAPTERS", {}).get(PORT) or DEFAULT


@cache
def _signer(name: str) -> Signer:
    return get_adapter(PORT, name)


def signer() -> Signer:
    """The configured signer, loaded once per process."""
    return _signer(configured_name())


def reset() -> None:
    """Forget the loaded signer (tests that change the settings, a rotated key)."""
    _signer.cache_clear()

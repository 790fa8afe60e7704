"""Signing keys and signatures.

* ``hardening keys init`` makes an RSA-3072 key and a self-signed X.509 certificate for
  evaluation, or imports the organisation's PKCS#12; key files are 0600 in a 0700 folder, the
  key optionally encrypted with a passphrase.
* PDFs get an embedded PAdES signature (pyHanko's PdfSigner on an IncrementalPdfFileWriter),
  with a visible stamp on the cover page.
* Every other file gets a detached CMS signature (``FILE.p7s``, DER, also checkable with
  ``openssl cms -verify``), and the set of files a signed manifest (sha256 of each file, signer,
  time, scan ids).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import socket
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from hardening.errors import HardeningError, InputError
from hardening.report.files import write_all

KEY_FILE, CERT_FILE, CHAIN_FILE = "signing-key.pem", "signing-cert.pem", "ca-chain.pem"
MANIFEST_SCHEMA = "hardening-manifest/1"
PASSPHRASE_ENV = "HARDENING_KEY_PASSPHRASE"


def default_key_dir() -> Path:
    if os.environ.get("HARDENING_KEY_DIR"):
        return Path(os.environ["HARDENING_KEY_DIR"])
    from platformdirs import user_data_dir

    return Path(user_data_dir("hardening")) / "keys"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _prepare_dir(key_dir: Path, force: bool) -> None:
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(key_dir, 0o700)
    if (key_dir / KEY_FILE).exists() and not force:
        raise InputError(f"a signing key already exists in {key_dir}; pass --force to replace it")


def _encryption(passphrase: bytes | None):
    return serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()


def _store(key_dir: Path, key, cert: x509.Certificate, chain: list, passphrase: bytes | None) -> None:
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase))
    files = {key_dir / KEY_FILE: key_pem, key_dir / CERT_FILE: cert.public_bytes(serialization.Encoding.PEM)}
    if chain:
        files[key_dir / CHAIN_FILE] = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
    elif (key_dir / CHAIN_FILE).exists():
        (key_dir / CHAIN_FILE).unlink()
    write_all(files, mode=0o600)


def self_signed(key, common_name: str, organisation: str | None, days: int,
                not_before: dt.datetime | None = None) -> x509.Certificate:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    name = x509.Name(attrs)
    start = not_before or (_utcnow() - dt.timedelta(minutes=5))
    public = key.public_key()
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            # a self-signed certificate is its own root: CA true and keyCertSign, so that validators
            # (pdfsig/NSS, Acrobat) accept it as a trust anchor once the verifier chooses to trust it
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256()))


def init_key(key_dir: Path, common_name: str | None = None, organisation: str | None = None, days: int = 365,
             passphrase: bytes | None = None, force: bool = False,
             not_before: dt.datetime | None = None) -> x509.Certificate:
    if days < 1:
        raise InputError("--days must be at least 1")
    _prepare_dir(key_dir, force)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    cert = self_signed(key, common_name or f"hardening report signer ({socket.gethostname()})", organisation, days,
                       not_before)
    _store(key_dir, key, cert, [], passphrase)
    return cert


def import_pkcs12(key_dir: Path, p12_file: Path, p12_passphrase: bytes | None, passphrase: bytes | None,
                  force: bool = False) -> x509.Certificate:
    try:
        data = Path(p12_file).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p12_file}: {exc.strerror}") from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, p12_passphrase)
    except ValueError:
        raise InputError(f"{p12_file}: not a PKCS#12 file, or wrong passphrase "
                         "(set HARDENING_P12_PASSPHRASE or use --ask-passphrase)") from None
    if key is None or cert is None:
        raise InputError(f"{p12_file} holds no private key with its certificate")
    _prepare_dir(key_dir, force)
    _store(key_dir, key, cert, list(extra or []), passphrase)
    return cert


def load_cert(key_dir: Path) -> x509.Certificate:
    path = key_dir / CERT_FILE
    if not path.is_file():
        raise InputError(f"no signing certificate in {key_dir}: run `hardening keys init` first")
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except ValueError:
        raise InputError(f"{path} is not a PEM certificate") from None


def cert_info(cert: x509.Certificate) -> dict:
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "serial": format(cert.serial_number, "x"),
            "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
            "not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
            "self_signed": cert.issuer == cert.subject}


def common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


class SigningKey:
    """A loaded key: the pyHanko signer plus the certificate, checked before any file is made."""

    def __init__(self, key_dir: Path, passphrase: bytes | None, now: dt.datetime | None = None):
        from pyhanko.sign import signers

        self.key_dir = key_dir
        key_path, cert_path, chain_path = key_dir / KEY_FILE, key_dir / CERT_FILE, key_dir / CHAIN_FILE
        if not key_path.is_file():
            raise InputError(f"no signing key in {key_dir}: run `hardening keys init` (or pass --key-dir)")
        mode = key_path.stat().st_mode & 0o777
        if mode & 0o077:
            raise InputError(f"signing key {key_path} is readable by others (mode {mode:04o}); run chmod 600 on it")
        self.cert = load_cert(key_dir)
        key_pem = key_path.read_bytes()
        try:
            serialization.load_pem_private_key(key_pem, passphrase)
        except TypeError:
            if passphrase:
                raise InputError(f"signing key {key_path} has no passphrase, but one was given") from None
            raise InputError(f"signing key {key_path} is encrypted: set {PASSPHRASE_ENV} or use --ask-passphrase") from None
        except ValueError:
            raise InputError(f"wrong passphrase for signing key {key_path}") from None
        now = now or _utcnow()
        if self.cert.not_valid_after_utc < now:
            raise InputError(f"signing certificate {common_name(self.cert)!r} expired on "
                             f"{self.cert.not_valid_after_utc.date()}; make a new key (`hardening keys init --force`) "
                             "or import a current one")
        if self.cert.not_valid_before_utc > now:
            raise InputError(f"signing certificate {common_name(self.cert)!r} is not valid before "
                             f"{self.cert.not_valid_before_utc.isoformat()}")
        self.signer = signers.SimpleSigner.load(str(key_path), str(cert_path),
                                                ca_chain_files=[str(chain_path)] if chain_path.is_file() else None,
                                                key_passphrase=passphrase)
        if self.signer is None:
            raise InputError(f"pyHanko could not load the signing key {key_path}")
        self.info = cert_info(self.cert)

    def sign_pdf(self, pdf: bytes, reason: str, box: tuple[int, int, int, int]) -> bytes:
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(field_name="HardeningReportSignature", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                            location=socket.gethostname())
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            stamp = self._stamp(box, Path(folder) / "stamp.pdf")
            return self._sign_pdf(pdf, meta, stamp, box)

    def _sign_pdf(self, pdf: bytes, meta, stamp, box) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        pdf_signer = signers.PdfSigner(meta, signer=self.signer, stamp_style=stamp,
                                       new_field_spec=fields.SigFieldSpec("HardeningReportSignature", on_page=0, box=box))
        # Sign once to learn the exact size of the CMS container, then again reserving exactly
        # that: no zero padding is left in /Contents, so a changed byte anywhere in the file,
        # even inside the signature container, breaks the signature for every validator.
        first = io.BytesIO()
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=first)
        size = _contents_size(first.getvalue())
        if size is None:
            return first.getvalue()
        for reserve in (2 * size, 2 * size + 2, 2 * size + 8):  # hex digits
            output = io.BytesIO()
            try:
                pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output, bytes_reserved=reserve)
            except Exception:  # the container came out larger (a longer time encoding): reserve more
                continue
            if _contents_size(output.getvalue(), exact=True):
                return output.getvalue()
        return first.getvalue()

    def _stamp(self, box: tuple[int, int, int, int], path: Path):
        """The visible signature: a small page drawn by reportlab in the embedded CJK font (pyHanko's
        own text stamp would use an unembedded Courier without Chinese glyphs)."""
        from pyhanko.stamp import StaticStampStyle
        from reportlab.lib import colors
        from reportlab.pdfgen import canvas

        from hardening.report import fonts

        font, _path = fonts.register()
        width, height = box[2] - box[0], box[3] - box[1]
        now = _utcnow().replace(microsecond=0)
        page = canvas.Canvas(str(path), pagesize=(width, height), invariant=1, initialFontName=font)
        page.setFillColor(colors.HexColor("#1f3a5f"))
        lines = [("电子签名 Digitally signed", 8.5), (f"签名人 Signer: {common_name(self.cert)}", 7),
                 (f"时间 Time: {now.isoformat().replace('+00:00', ' UTC')}", 7),
                 (f"证书 SHA-256: {self.info['sha256_fingerprint'][:32]}", 6)]
        y = height - 12
        for text, size in lines:
            page.setFont(font, size)
            page.drawString(4, y, text[:80])
            y -= size + 4
        page.showPage()
        page.save()
        return StaticStampStyle.from_pdf_file(str(path), border_width=1)

    def sign_detached(self, data: bytes) -> bytes:
        import asyncio

        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

        attributes = PdfCMSSignedAttributes(signing_time=_utcnow())
        content_info = asyncio.run(self.signer.async_sign_general_data(data, "sha256", detached=True,
                                                                       signed_attr_settings=attributes))
        return content_info.dump()


def _contents_size(signed: bytes, exact: bool = False) -> int | None:
    """Size of the DER signature in the last /Contents of a signed PDF; with ``exact``, whether it
    fills the reserved space completely (no padding)."""
    start = signed.rfind(b"/Contents <")
    if start < 0:
        return None
    start += len(b"/Contents <")
    end = signed.index(b">", start)
    blob = bytes.fromhex(signed[start:end].decode("ascii"))
    from hardening.report.verify import _der_length

    length = _der_length(blob)
    if exact:
        return length == len(blob)
    return length


def manifest(files: dict[str, bytes], signatures: dict[str, str], key: SigningKey, kind: str,
             scan_ids: list[int]) -> bytes:
    document = {
        "schema": MANIFEST_SCHEMA,
        "kind": kind,
        "scan_ids": scan_ids,
        "signed_at": _utcnow().replace(microsecond=0).isoformat(),
        "signer": key.info,
        "files": [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                   "signature": signatures[name]} for name, data in sorted(files.items())],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def passphrase_from(env: str, ask: bool, prompt: str, confirm: bool = False) -> bytes | None:
    import click

    if ask:
        value = click.prompt(prompt, hide_input=True, confirmation_prompt=confirm, default="", show_default=False)
        return value.encode() if value else None
    value = os.environ.get(env)
    return value.encode() if value else None


def require_existing_dir(path: Path) -> None:
    if not path.is_dir():
        raise HardeningError(f"folder {path} does not exist")

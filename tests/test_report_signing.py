"""Signed reports: keys (0600, passphrase, PKCS#12 import, expiry), the PDF's PAdES signature
checked by independent validators (poppler's pdfsig, pyHanko's validate_pdf_signature, openssl
for the detached ones), `hardening verify`, and one flipped byte anywhere making both fail."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from hardening.errors import InputError
from hardening.report import signing, synthetic, verify
from hardening.store import Store
from test_report import run  # the CLI runner of the report tests

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> Path:
    """A history, a passphrase-protected key made by `keys init`, and every format signed."""
    root = tmp_path_factory.mktemp("signed")
    store = Store(root / "history.db")
    synthetic.populate(store, ["2026-07-06", "2026-08-03", "2026-09-07"], synthetic.host_names(4),
                       synthetic.make_rules(10))
    store.close()
    env = {"HARDENING_KEY_PASSPHRASE": PASSPHRASE}
    done = run("keys", "init", "--cn", "安全运维组 signer", "--org", "Example Tax Bureau", cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    done = run("report", "latest", "--format", "all", "--sign", "-o", str(root / "scan"), cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    done = run("report", "--quarter", "2026Q3", "-f", "pdf", "--sign", "-o", str(root / "q3.pdf"), cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def nss(signed, tmp_path_factory) -> Path:
    """An NSS database that trusts the signer's certificate, as a procurer would set up for pdfsig."""
    folder = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{folder}", "-n", "signer", "-t", "CT,C,C", "-i",
                    str(signed / "keys" / signing.CERT_FILE)], check=True, capture_output=True)
    return folder


def pdfsig(path: Path, nss: Path | None = None) -> tuple[bool, str]:
    args = ["pdfsig"] + (["-nssdir", f"sql:{nss}"] if nss else []) + [str(path)]
    done = subprocess.run(args, capture_output=True, text=True)
    accepted = (done.returncode == 0 and "Signature is Valid" in done.stdout and "Total document signed" in done.stdout
                and (nss is None or "Certificate is Trusted" in done.stdout))
    return accepted, done.stdout + done.stderr


# ------------------------------------------------------------------------------------- keys
def test_key_files_are_private_and_encrypted(signed):
    keys = signed / "keys"
    assert (keys.stat().st_mode & 0o777) == 0o700
    for name in (signing.KEY_FILE, signing.CERT_FILE):
        assert ((keys / name).stat().st_mode & 0o777) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in (keys / signing.KEY_FILE).read_bytes()
    cert = x509.load_pem_x509_certificate((keys / signing.CERT_FILE).read_bytes())
    assert "安全运维组" in cert.subject.rfc4514_string() and cert.issuer == cert.subject


def test_keys_init_refuses_to_overwrite_and_show_prints_the_fingerprint(signed):
    done = run("keys", "init", cwd=signed)
    assert done.returncode == 2 and "already exists" in done.stderr and "--force" in done.stderr
    shown = run("keys", "show", cwd=signed).stdout
    assert re.search(r"sha256_fingerprint:\s+[0-9a-f]{64}", shown)
    assert run("keys", "show", "--pem", cwd=signed).stdout.startswith("-----BEGIN CERTIFICATE-----")


def test_wrong_or_missing_passphrase_is_one_line_and_nothing_is_written(signed, tmp_path):
    for env, message in (({"HARDENING_KEY_PASSPHRASE": "wrong"}, "wrong passphrase for signing key"),
                         ({}, "is encrypted: set HARDENING_KEY_PASSPHRASE")):
        done = run("report", "latest", "-f", "pdf,html", "--sign", "-o", str(tmp_path / "r"), cwd=signed, env=env)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_expired_certificate_is_refused(tmp_path, signed):
    keys = tmp_path / "keys"
    signing.init_key(keys, "old signer", None, days=30, not_before=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    shutil.copy(signed / "history.db", tmp_path / "history.db")
    out = tmp_path / "out"
    out.mkdir()
    done = run("report", "latest", "--sign", "-o", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("hardening: error: signing certificate 'old signer' expired on 2020-01-31; make a "
                                   "new key (`hardening keys init --force`) or import a current one")
    assert list(out.iterdir()) == []


def test_a_readable_key_is_refused(tmp_path):
    signing.init_key(tmp_path / "k")
    os.chmod(tmp_path / "k" / signing.KEY_FILE, 0o644)
    with pytest.raises(InputError, match="readable by others"):
        signing.SigningKey(tmp_path / "k", None)


def test_import_pkcs12_from_an_organisation_ca(tmp_path, signed):
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = signing.self_signed(ca_key, "Example Org CA", "Example", 3650)
    ca = (x509.CertificateBuilder().subject_name(ca.subject).issuer_name(ca.subject).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(ca.not_valid_before_utc).not_valid_after(ca.not_valid_after_utc)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, signing.hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Ops")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(2)
            .not_valid_before(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1))
            .not_valid_after(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=100))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, signing.hashes.SHA256()))
    p12 = tmp_path / "ops.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"ops", key, leaf, [ca],
                                                          serialization.BestAvailableEncryption(b"p12pass")))
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    shutil.copy(signed / "history.db", tmp_path / "history.db")
    bad = run("keys", "import", str(p12), cwd=tmp_path, env={"HARDENING_P12_PASSPHRASE": "nope"})
    assert bad.returncode == 2 and "wrong passphrase" in bad.stderr
    done = run("keys", "import", str(p12), cwd=tmp_path, env={"HARDENING_P12_PASSPHRASE": "p12pass"})
    assert done.returncode == 0, done.stderr
    assert "issued by O=Example,CN=Example Org CA" in done.stdout
    assert run("report", "latest", "-f", "pdf", "--sign", "-o", "r.pdf", cwd=tmp_path).returncode == 0
    checked = run("verify", "r.pdf", "--trust", "ca.pem", "--require-trust", "--key-dir", str(tmp_path / "none"),
                  cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "issued by O=Example,CN=Example Org CA" in checked.stdout and "chains to a trusted certificate" in checked.stdout
    untrusted = run("verify", "r.pdf", "--require-trust", "--key-dir", str(tmp_path / "none"), cwd=tmp_path)
    assert untrusted.returncode == 1 and "NOT established" in untrusted.stdout


# ------------------------------------------------------------------------------------- verify
def test_signed_outputs_and_manifest(signed):
    names = sorted(p.name for p in signed.glob("scan.*"))
    assert names == ["scan.html", "scan.html.p7s", "scan.json", "scan.json.p7s", "scan.manifest.json",
                     "scan.manifest.json.p7s", "scan.pdf", "scan.xlsx", "scan.xlsx.p7s"]
    import json

    manifest = json.loads((signed / "scan.manifest.json").read_text())
    assert manifest["schema"] == "hardening-manifest/1" and manifest["scan_ids"] == [3]
    assert {f["name"]: f["signature"] for f in manifest["files"]}["scan.pdf"] == "embedded PAdES"
    assert "安全运维组" in manifest["signer"]["subject"] and len(manifest["signer"]["sha256_fingerprint"]) == 64
    done = run("verify", "scan.manifest.json", "scan.pdf", "scan.html", "q3.pdf", cwd=signed)
    assert done.returncode == 0, done.stdout
    assert len(re.findall(r"^OK: ", done.stdout, re.M)) == 8
    for expected in ("signed by:    O=Example Tax Bureau,CN=安全运维组 signer", "issued by itself (self-signed)",
                     "every byte of the file is as signed", "chains to a trusted certificate"):
        assert expected in done.stdout, expected
    assert re.search(r"signed at:\s+\d{4}-\d{2}-\d{2}T", done.stdout)


def test_pdfsig_accepts_the_signature(signed, nss):
    accepted, text = pdfsig(signed / "scan.pdf")
    assert accepted, text
    assert "ETSI.CAdES.detached" in text and "安全运维组 signer" in text
    accepted, text = pdfsig(signed / "q3.pdf", nss)
    assert accepted and "Certificate is Trusted" in text, text


def test_pyhanko_validator_accepts_the_signature(signed):
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    verify.quiet_libraries()
    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(
        (signed / "keys" / signing.CERT_FILE).read_bytes()).public_bytes(serialization.Encoding.DER))
    with open(signed / "q3.pdf", "rb") as handle:
        [signature] = PdfFileReader(handle).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


def test_openssl_checks_the_detached_signatures(signed):
    for name in ("scan.html", "scan.xlsx", "scan.json", "scan.manifest.json"):
        done = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signed / f"{name}.p7s"),
                               "-content", str(signed / name), "-CAfile", str(signed / "keys" / signing.CERT_FILE),
                               "-purpose", "any", "-out", os.devnull], capture_output=True, text=True)
        assert done.returncode == 0 and "Verification successful" in done.stderr, (name, done.stderr)


def test_unsigned_pdf_fails_verification(signed, tmp_path):
    run("report", "latest", "-f", "pdf", "-o", str(tmp_path / "plain.pdf"), cwd=signed)
    done = run("verify", str(tmp_path / "plain.pdf"), cwd=signed)
    assert done.returncode == 1 and "carries no signature" in done.stdout


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def _container(data: bytes) -> tuple[int, int, tuple[int, int]]:
    """(start, end) of the hex signature container in the file, and the file range of the copy of
    the signer's certificate carried inside it."""
    from asn1crypto import cms

    start = data.rindex(b"/Contents <") + len(b"/Contents <")
    end = data.index(b">", start)
    blob = bytes.fromhex(data[start:end].decode())
    cert = cms.ContentInfo.load(blob)["content"]["certificates"][0].chosen.dump()
    offset = blob.index(cert)
    return start, end, (start + 2 * offset, start + 2 * (offset + len(cert)))


def _positions(data: bytes) -> list[int]:
    """About 120 places spread over the whole file, plus every 17th byte of the signature
    container, its delimiters, the ByteRange, the xref and trailer, and the last byte."""
    start, end, _cert = _container(data)
    fixed = [0, 5, start - 1, start, end - 1, end, data.rindex(b"/ByteRange") + 12, data.rindex(b"xref") + 1,
             data.rindex(b"startxref") + 11, len(data) - 1]
    return sorted(set(list(range(0, len(data), max(1, len(data) // 120))) + list(range(start, end, 17)) + fixed))


def test_one_flipped_byte_anywhere_fails_hardening_verify_and_pdfsig(signed, nss, tmp_path):
    """`hardening verify` rejects every flip, anywhere. pdfsig (poppler/NSS, the signer's
    certificate trusted) rejects every flip in the signed byte ranges and in the signature itself;
    inside the CMS container it does not look at some unsigned bytes (the SignedData version, the
    encapsulated content type, the signature-algorithm OID and the copy of the certificate, which
    NSS takes from its own trust store). Those flips are listed, and `hardening verify` rejects
    them too."""
    verify.quiet_libraries()
    data = (signed / "scan.pdf").read_bytes()
    start, end, (cert_start, cert_end) = _container(data)
    target = tmp_path / "flipped.pdf"
    accepted_by_us, missed_by_pdfsig, checked = [], [], 0
    for position in _positions(data):
        target.write_bytes(_flip(data, position))
        if all(r.ok for r in verify.verify_path(target, [])):
            accepted_by_us.append(position)
        if pdfsig(target, nss)[0]:
            missed_by_pdfsig.append(position)
        checked += 1
    assert checked > 300
    assert accepted_by_us == []
    outside = [p for p in missed_by_pdfsig if not start <= p < end]
    assert outside == [], "pdfsig accepted a change in the signed bytes"
    in_cert = [p for p in missed_by_pdfsig if cert_start <= p < cert_end]
    print(f"pdfsig missed {len(missed_by_pdfsig)} of {checked} flips, {len(in_cert)} of them in the certificate copy, "
          "all inside the unsigned parts of the CMS container; hardening verify rejected all")
    # and the command line says so
    target.write_bytes(_flip(data, len(data) // 2))
    done = run("verify", str(target), cwd=signed)
    assert done.returncode == 1 and "FAILED" in done.stdout
    middle = next(p for p in range((cert_start + cert_end) // 2, cert_end) if data[p:p + 1] in b"02468")
    target.write_bytes(_flip(data, middle))  # still a valid hex digit: the container parses, the copy differs
    done = run("verify", str(target), cwd=signed)
    assert done.returncode == 1 and "FAILED" in done.stdout


def test_one_flipped_byte_in_any_other_artifact_fails(signed, tmp_path):
    for name in ("scan.html", "scan.xlsx", "scan.json"):
        for suffix in ("", ".p7s"):
            shutil.copy(signed / name, tmp_path / name)
            shutil.copy(signed / f"{name}.p7s", tmp_path / f"{name}.p7s")
            victim = tmp_path / f"{name}{suffix}"
            data = victim.read_bytes()
            for position in range(0, len(data), max(1, len(data) // 40)):
                victim.write_bytes(_flip(data, position))
                assert not all(r.ok for r in verify.verify_path(tmp_path / name, [])), (name, suffix, position)
            victim.write_bytes(data)
    # the manifest notices a changed file even when its own signature is intact
    for name in os.listdir(signed):
        if name.startswith("scan."):
            shutil.copy(signed / name, tmp_path / name)
    (tmp_path / "scan.json").write_bytes((tmp_path / "scan.json").read_bytes().replace(b'"fail"', b'"pass"', 1))
    done = run("verify", str(tmp_path / "scan.manifest.json"), cwd=signed)
    assert done.returncode == 1
    assert "sha256 differs from the manifest" in done.stdout and "changed after signing" in done.stdout

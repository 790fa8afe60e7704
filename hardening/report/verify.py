"""Verification of signed reports: the PDF's embedded signature, a file's detached ``.p7s``,
or a manifest and every file it lists. Each check returns a Result with plain lines to print."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from hardening.errors import InputError
from hardening.report.signing import MANIFEST_SCHEMA, cert_info


def quiet_libraries() -> None:
    """pyHanko logs validation problems with tracebacks; the verdict is ours to print."""
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@dataclass
class Result:
    path: str
    ok: bool = True
    lines: list[str] = field(default_factory=list)
    signer: dict | None = None
    signed_at: str | None = None
    trusted: bool | None = None

    def fail(self, line: str) -> None:
        self.ok = False
        self.lines.append(line)


def load_trust(paths: list[Path]) -> list:
    """Certificates (PEM or DER) to trust, as asn1crypto objects for pyHanko's validator."""
    roots = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read certificate {path}: {exc.strerror}") from None
        try:
            certs = x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
        except ValueError:
            raise InputError(f"{path} is not a certificate (PEM or DER)") from None
        roots += [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs]
    return roots


def _context(trust: list):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=trust, allow_fetching=False)


def _describe(result: Result, status, trust: list) -> None:
    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    info = cert_info(cert)
    result.signer = info
    when = status.signer_reported_dt
    result.signed_at = when.isoformat() if when else None
    result.trusted = bool(status.trusted)
    result.lines += [
        f"signed by:    {info['subject']}",
        f"certificate:  sha256 {info['sha256_fingerprint']}, serial {info['serial']}",
        f"              valid {info['not_before'][:10]} to {info['not_after'][:10]}, issued by "
        f"{'itself (self-signed)' if info['self_signed'] else info['issuer']}",
        f"signed at:    {result.signed_at or 'unknown'} (the signer's clock)",
    ]
    if status.trusted:
        result.lines.append("trust:        the certificate chains to a trusted certificate (--trust or your own key)")
    else:
        result.lines.append("trust:        NOT established: the certificate is not in the trust list; compare its sha256 "
                            "with the one the signer published, or pass --trust CERT")


def _der_length(blob: bytes) -> int | None:
    """Length of the DER value at the start of blob (tag, length, content)."""
    if len(blob) < 2 or blob[0] != 0x30:
        return None
    first = blob[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(blob) < 2 + count:
        return None
    return 2 + count + int.from_bytes(blob[2:2 + count], "big")


def container_problems(der: bytes) -> str | None:
    """Parts of a CMS SignedData that no signature covers, checked against what a signer writes:
    each digest algorithm listed is one a signer uses, the content is detached, and every
    certificate carried is intact (its signature verifies against its issuer in the bag, or
    itself when self-signed). A byte changed there is otherwise invisible to validators."""
    try:
        content_info = cms.ContentInfo.load(der)
        content_info.native  # parse every part: a damaged inner encoding raises
        if cms.ContentInfo.load(der).dump(force=True) != der:
            return "it is not in canonical DER form"
        signed_data = content_info["content"]
        if signed_data["version"].native not in ("v1", "v3"):
            return "unexpected SignedData version"
        used = {si["digest_algorithm"]["algorithm"].native for si in signed_data["signer_infos"]}
        listed = {alg["algorithm"].native for alg in signed_data["digest_algorithms"]}
        if listed != used:
            return "the digest algorithm list does not match the signer's"
        encap = signed_data["encap_content_info"]
        if encap["content_type"].native != "data" or encap["content"].native is not None:
            return "the signed content is not detached data"
        for si in signed_data["signer_infos"]:
            if si["version"].native not in ("v1", "v3") or si["unsigned_attrs"].native:
                return "unexpected signer information"
        certs = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed_data["certificates"]]
        for cert in certs:
            issuers = [c for c in certs if c.subject == cert.issuer]
            if not issuers:
                continue  # issued by a CA whose certificate is not carried: the trust check handles it
            for issuer in issuers:
                try:
                    cert.verify_directly_issued_by(issuer)
                    break
                except Exception:
                    continue
            else:
                return f"certificate {cert.subject.rfc4514_string()} was altered"
    except Exception as exc:
        return f"malformed ({_one_line(exc)})"
    return None


def verify_pdf(path: Path, trust: list) -> Result:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    result = Result(str(path))
    data = path.read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        signatures = reader.embedded_signatures
    except Exception as exc:
        result.fail(f"FAILED: the PDF is damaged or was changed and cannot be read ({_one_line(exc)})")
        return result
    if not signatures:
        result.fail("FAILED: the PDF carries no signature")
        return result
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, signer_validation_context=_context(trust))
        except Exception as exc:
            result.fail(f"FAILED: signature {signature.field_name} cannot be validated ({_one_line(exc)})")
            continue
        _describe(result, status, trust)
        contents = signature.sig_object.raw_get("/Contents")
        contents = bytes(contents) if contents is not None else b""
        length = _der_length(contents)
        if not status.intact:
            result.fail("integrity:    FAILED: the signed bytes changed after signing (digest mismatch)")
        elif not status.valid:
            result.fail("integrity:    FAILED: the signature value does not match the certificate")
        elif length is None or any(contents[length:]):
            result.fail("integrity:    FAILED: bytes changed inside the signature container")
        elif container_problems(contents[:length]):
            result.fail("integrity:    FAILED: the signature container changed: "
                        + container_problems(contents[:length]))
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            result.fail("integrity:    FAILED: the file has content after the signature (it was changed after signing)")
        else:
            result.lines.append("integrity:    OK: every byte of the file is as signed (PAdES signature "
                                f"{signature.field_name}, {status.md_algorithm})")
    return result


def verify_detached(path: Path, signature_path: Path, trust: list) -> Result:
    from pyhanko.sign.validation import async_validate_detached_cms

    result = Result(str(path))
    if not signature_path.is_file():
        result.fail(f"FAILED: no signature {signature_path.name} beside {path.name}")
        return result
    try:
        der = signature_path.read_bytes()
        content_info = cms.ContentInfo.load(der)
        signed_data = content_info["content"]
        status = asyncio.run(async_validate_detached_cms(path.read_bytes(), signed_data,
                                                         signer_validation_context=_context(trust)))
    except Exception as exc:
        result.fail(f"FAILED: signature {signature_path.name} is damaged ({_one_line(exc)})")
        return result
    _describe(result, status, trust)
    problem = container_problems(der)
    if problem:
        result.fail(f"integrity:    FAILED: the signature container changed: {problem}")
    elif status.intact and status.valid:
        result.lines.append(f"integrity:    OK: every byte is as signed (detached signature {signature_path.name})")
    else:
        result.fail(f"integrity:    FAILED: {path.name} changed after signing (digest mismatch)"
                    if not status.intact else "integrity:    FAILED: the signature value does not match the certificate")
    return result


def verify_manifest(path: Path, trust: list) -> list[Result]:
    results = [verify_detached(path, path.with_name(path.name + ".p7s"), trust)]
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        files = document["files"]
        assert document.get("schema") == MANIFEST_SCHEMA
    except Exception:
        results[0].fail("FAILED: not a hardening manifest")
        return results
    results[0].lines.insert(0, f"manifest:     {document.get('kind')} report, scans "
                               f"{', '.join(str(i) for i in document.get('scan_ids', []))}, {len(files)} file(s)")
    for entry in files:
        target = path.parent / Path(entry["name"]).name
        item = Result(str(target))
        if not target.is_file():
            item.fail("FAILED: listed in the manifest but missing")
        else:
            digest = hashlib.sha256(target.read_bytes()).hexdigest()
            if digest != entry["sha256"]:
                item.fail("FAILED: sha256 differs from the manifest (the file changed)")
            else:
                item.lines.append(f"sha256:       OK {digest}")
            signature = entry.get("signature", "")
            if signature.endswith(".p7s"):
                inner = verify_detached(target, path.parent / Path(signature).name, trust)
            elif target.suffix.lower() == ".pdf":
                inner = verify_pdf(target, trust)
            else:
                inner = None
            if inner is not None:
                item.ok = item.ok and inner.ok
                item.lines += [line for line in inner.lines if line.startswith("integrity")]
        results.append(item)
    return results


def verify_path(path: Path, trust: list, signature: Path | None = None) -> list[Result]:
    if not path.is_file():
        raise InputError(f"{path} does not exist")
    if path.suffix == ".p7s":
        return [verify_detached(path.with_suffix(""), path, trust)]
    if path.name.endswith(".manifest.json"):
        return verify_manifest(path, trust)
    if signature is None and path.read_bytes()[:5] == b"%PDF-":
        return [verify_pdf(path, trust)]
    return [verify_detached(path, signature or path.with_name(path.name + ".p7s"), trust)]


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__

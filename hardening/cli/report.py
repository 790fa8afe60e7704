"""report, keys and verify: signed compliance reports rendered from the scan history."""

from __future__ import annotations

from pathlib import Path

import click

from hardening.cli.common import EXIT_FAIL, db_option, open_store, rules_dir_option
from hardening.errors import InputError

FORMATS = ("pdf", "html", "xlsx", "json")
key_dir_option = click.option("--key-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                              help="Folder of the signing key (default: $HARDENING_KEY_DIR or the user's data "
                                   "directory, hardening/keys).")
ask_passphrase_option = click.option("--ask-passphrase", is_flag=True,
                                     help="Prompt for the key passphrase (else $HARDENING_KEY_PASSPHRASE; never an argument).")


def _catalog(rules_dirs) -> dict:
    """The rule catalogue for advice and tags; a broken rule set only loses advice, not the report."""
    from hardening import paths
    from hardening.rules import Problems, load_rules

    try:
        return load_rules(paths.rule_roots(rules_dirs), Problems())
    except Exception:
        return {}


def _formats(values: tuple[str, ...]) -> list[str]:
    chosen: list[str] = []
    for value in values or ("pdf",):
        for item in value.split(","):
            item = item.strip().lower()
            if item == "all":
                chosen += [f for f in FORMATS if f not in chosen]
            elif item not in FORMATS:
                raise InputError(f"--format: {item!r} is not one of {', '.join(FORMATS)}, all")
            elif item not in chosen:
                chosen.append(item)
    return chosen


@click.command()
@click.argument("scan_ref", required=False)
@click.option("--kind", type=click.Choice(["scan", "inspection", "quarterly"]), default=None,
              help="scan report (default), monthly inspection table (巡检结果表) or quarterly assessment. "
                   "--month implies inspection, --quarter/--from imply quarterly.")
@click.option("--month", metavar="YYYY-MM", help="Inspection of a month: the latest scan of every host in it.")
@click.option("--quarter", metavar="YYYYQn", help="Quarterly assessment of a calendar quarter, e.g. 2026Q3.")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="Quarterly assessment from this date (inclusive).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="... to this date (inclusive).")
@click.option("--format", "-f", "formats", multiple=True, metavar="FORMAT",
              help="pdf (default), html, xlsx, json or all; repeat or separate with commas.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="File (one format), base name (several) or folder. Default: hardening-<kind>-<id> in the "
                   "current folder.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language.")
@click.option("--sign", is_flag=True, help="Sign: PAdES inside the PDF, FILE.p7s for the others, and a signed "
                                           "manifest. Needs a key (`hardening keys init`).")
@key_dir_option
@ask_passphrase_option
@click.option("--font", type=click.Path(dir_okay=False), default=None,
              help="TrueType font with Chinese glyphs to embed in the PDF (default: WenQuanYi Micro Hei from "
                   "fonts-wqy-microhei, or $HARDENING_REPORT_FONT).")
@rules_dir_option
@db_option
def report(scan_ref, kind, month, quarter, start, end, formats, output, lang, sign, key_dir, ask_passphrase, font,
           rules_dir, db):
    """Render a compliance report from the scan history (never from a live scan), optionally signed.

    SCAN_REF is a scan id, `latest` (default) or `previous`. Rendering the same scans twice gives
    the same files; only a signature carries the time of signing.

    \b
    Examples:
      hardening scan && hardening report latest --format pdf --sign
      hardening report --month 2026-10 --format xlsx,pdf          # 巡检结果表 of October
      hardening report --quarter 2026Q3 -f all --sign -o q3/      # quarterly assessment
      hardening report 12 --lang en --format html -o scan12.html
    """
    from hardening.report import render as rendering
    from hardening.report.model import quarter_bounds
    from hardening.report.signing import PASSPHRASE_ENV, SigningKey, default_key_dir, passphrase_from
    from hardening.report.verify import quiet_libraries

    quiet_libraries()
    chosen = _formats(formats)
    if quarter and (start or end):
        raise InputError("use either --quarter or --from/--to, not both")
    if quarter:
        start, end = quarter_bounds(quarter)
    if bool(start) != bool(end):
        raise InputError("--from and --to go together")
    if kind is None:
        kind = "quarterly" if start else "inspection" if month else "scan"
    if kind == "quarterly" and scan_ref:
        raise InputError("a quarterly report covers a date range: give --quarter or --from/--to, not a scan")
    if kind == "inspection" and month and scan_ref:
        raise InputError("give either a scan or --month, not both")
    if kind != "quarterly" and start:
        raise InputError(f"--quarter/--from/--to are for quarterly reports, not {kind}")
    if kind != "inspection" and month:
        raise InputError(f"--month is for inspection reports, not {kind}")
    if "pdf" in chosen:
        from hardening.report import fonts

        fonts.register(font)  # fail before anything else is done
    key = None
    if sign:  # check the key, its passphrase and its validity before rendering
        key = SigningKey(key_dir or default_key_dir(),
                         passphrase_from(PASSPHRASE_ENV, ask_passphrase, "Signing key passphrase"))
    store = open_store(db)
    data = rendering.build_data(store, kind, scan_ref, month, start, end, _catalog(rules_dir))
    written = rendering.produce(data, chosen, lang, output, font, key)
    for path in written:
        click.echo(str(path))


@click.group()
def keys():
    """Manage the report signing key.

    \b
    Examples:
      hardening keys init                                   # evaluation key + self-signed certificate
      HARDENING_KEY_PASSPHRASE=... hardening keys init --cn "Ops team" --org "Example Tax Bureau"
      hardening keys import org-signer.p12 --ask-passphrase  # the organisation CA's certificate
      hardening keys show --pem > signer.pem                # give this to whoever verifies
    """


@keys.command("init")
@click.option("--cn", "common_name", default=None, help="Certificate common name (default: hardening report signer (HOST)).")
@click.option("--org", default=None, help="Organisation name in the certificate.")
@click.option("--days", type=click.IntRange(1, 3650), default=365, show_default=True, help="Validity in days.")
@click.option("--force", is_flag=True, help="Replace an existing key.")
@key_dir_option
@ask_passphrase_option
def keys_init(common_name, org, days, force, key_dir, ask_passphrase):
    """Create a signing key (RSA-3072) and a self-signed X.509 certificate for evaluation.

    The key is encrypted when a passphrase is given ($HARDENING_KEY_PASSPHRASE or --ask-passphrase);
    files are 0600 in a 0700 folder. For production, import the organisation's PKCS#12 instead.

    \b
    Example:
      hardening keys init --cn "安全运维组" --org "Example Tax Bureau" --ask-passphrase
    """
    from hardening.report.signing import PASSPHRASE_ENV, cert_info, default_key_dir, init_key, passphrase_from

    folder = key_dir or default_key_dir()
    passphrase = passphrase_from(PASSPHRASE_ENV, ask_passphrase, "New key passphrase (empty: none)", confirm=True)
    info = cert_info(init_key(folder, common_name, org, days, passphrase, force))
    click.echo(f"key:         {folder / 'signing-key.pem'} ({'encrypted' if passphrase else 'not encrypted'}, 0600)")
    click.echo(f"certificate: {folder / 'signing-cert.pem'}")
    click.echo(f"subject:     {info['subject']}, valid to {info['not_after'][:10]}")
    click.echo(f"sha256:      {info['sha256_fingerprint']}  (publish this so others can check your signatures)")


@keys.command("import")
@click.argument("p12", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing key.")
@key_dir_option
@ask_passphrase_option
def keys_import(p12, force, key_dir, ask_passphrase):
    """Import a PKCS#12 (.p12/.pfx) key and certificate chain from the organisation's CA.

    The PKCS#12 passphrase comes from $HARDENING_P12_PASSPHRASE or the prompt; the stored key is
    encrypted with $HARDENING_KEY_PASSPHRASE (or the second prompt) when given.

    \b
    Example:
      HARDENING_P12_PASSPHRASE=... hardening keys import signer.p12
    """
    from hardening.report.signing import PASSPHRASE_ENV, cert_info, default_key_dir, import_pkcs12, passphrase_from

    folder = key_dir or default_key_dir()
    p12_pass = passphrase_from("HARDENING_P12_PASSPHRASE", ask_passphrase, "PKCS#12 passphrase")
    passphrase = passphrase_from(PASSPHRASE_ENV, ask_passphrase, "Passphrase for the stored key (empty: none)",
                                 confirm=True)
    info = cert_info(import_pkcs12(folder, p12, p12_pass, passphrase, force))
    click.echo(f"imported {info['subject']} (issued by {info['issuer']}), valid to {info['not_after'][:10]}")
    click.echo(f"sha256:  {info['sha256_fingerprint']}")


@keys.command("show")
@click.option("--pem", is_flag=True, help="Print the certificate in PEM, to hand to verifiers.")
@key_dir_option
def keys_show(pem, key_dir):
    """Show the signing certificate (subject, validity, sha256 fingerprint).

    \b
    Example:
      hardening keys show --pem > signer.pem
    """
    from cryptography.hazmat.primitives import serialization

    from hardening.report.signing import cert_info, default_key_dir, load_cert

    cert = load_cert(key_dir or default_key_dir())
    if pem:
        click.echo(cert.public_bytes(serialization.Encoding.PEM).decode(), nl=False)
        return
    info = cert_info(cert)
    for name in ("subject", "issuer", "serial", "not_before", "not_after", "sha256_fingerprint"):
        click.echo(f"{name + ':':<20}{info[name]}")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trust", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Certificate (PEM/DER) to trust, e.g. the signer's published certificate (repeatable). "
                   "Your own signing certificate is trusted too.")
@click.option("--require-trust", is_flag=True, help="Also fail when the signer's certificate is not trusted.")
@key_dir_option
def verify(files, trust, require_trust, key_dir):
    """Check a signed report: who signed, when, with which certificate, and whether any byte changed.

    A PDF is checked by its embedded signature; another file by FILE.p7s beside it; a
    *.manifest.json by its own signature and the sha256 and signature of every file it lists.
    Exit 0: intact; 1: changed, unsigned or (with --require-trust) untrusted.

    \b
    Examples:
      hardening verify hardening-scan-12.pdf
      hardening verify q3/hardening-quarterly-2026-07-01_2026-09-30.manifest.json --trust signer.pem
    """
    from hardening.report.signing import CERT_FILE, default_key_dir
    from hardening.report.verify import load_trust, quiet_libraries, verify_path

    quiet_libraries()
    anchors = list(trust)
    own = (key_dir or default_key_dir()) / CERT_FILE
    if own.is_file():
        anchors.append(own)
    roots = load_trust(anchors)
    failed = False
    for path in files:
        for result in verify_path(path, roots):
            ok = result.ok and (result.trusted or not require_trust)
            click.echo(f"{'OK' if ok else 'FAILED'}: {result.path}")
            for line in result.lines:
                click.echo(f"  {line}")
            failed |= not ok
    if failed:
        raise SystemExit(EXIT_FAIL)

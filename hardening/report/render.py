"""From the store to files on disk: build the data, render each format, sign, write atomically."""

from __future__ import annotations

import json
from pathlib import Path

from hardening.errors import InputError
from hardening.report import KINDS, layout, model
from hardening.report.files import write_all
from hardening.store import Store

EXTENSIONS = {"pdf": ".pdf", "html": ".html", "xlsx": ".xlsx", "json": ".json"}


def build_data(store: Store, kind: str, scan_ref: str | None = None, month: str | None = None,
               start: str | None = None, end: str | None = None, catalog: dict | None = None) -> dict:
    if kind not in KINDS:
        raise InputError(f"unknown report kind {kind!r}")
    if kind == "quarterly":
        if not (start and end):
            raise InputError("a quarterly report needs --quarter YYYYQn or --from DATE --to DATE")
        return model.quarterly_report(store, start, end, catalog)
    if kind == "inspection":
        if month:
            return model.inspection_report(store, catalog, month=month)
        return model.inspection_report(store, catalog, scan_id=store.resolve_scan_id(scan_ref or "latest"))
    return model.scan_report(store, store.resolve_scan_id(scan_ref or "latest"), catalog)


def to_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def render(data: dict, fmt: str, lang: str, font: str | None = None) -> bytes:
    if fmt == "json":
        return to_json(data)
    document = layout.build(data, lang)
    if fmt == "pdf":
        from hardening.report import pdf

        return pdf.render(document, font)
    if fmt == "html":
        from hardening.report import html

        return html.render(document)
    if fmt == "xlsx":
        from hardening.report import xlsx

        return xlsx.render(document)
    raise InputError(f"unknown format {fmt!r}")


def default_stem(data: dict) -> str:
    if data["kind"] == "quarterly":
        return f"hardening-quarterly-{data['period']['start']}_{data['period']['end']}"
    if data["kind"] == "inspection" and len(data["scan_ids"]) > 1:
        return f"hardening-inspection-{data['period']['month']}"
    return f"hardening-{data['kind']}-{data['scan_ids'][0]}"


def output_paths(output: Path | None, data: dict, formats: list[str]) -> dict[str, Path]:
    """One file per format. ``-o FILE`` names the file when there is one format; otherwise its
    suffix is replaced per format. A folder puts default names in it."""
    if output is None:
        base = Path.cwd() / default_stem(data)
    elif output.is_dir():
        base = output / default_stem(data)
    elif len(formats) == 1:
        return {formats[0]: output}
    else:
        base = output.with_suffix("") if output.suffix.lower() in (".pdf", ".html", ".xlsx", ".json") else output
    return {fmt: base.with_name(base.name + EXTENSIONS[fmt]) for fmt in formats}


def produce(data: dict, formats: list[str], lang: str, output: Path | None, font: str | None = None,
            key=None) -> list[Path]:
    """Render every format, sign, and only then write all files at once (atomically)."""
    targets = output_paths(output, data, formats)
    if len(set(targets.values())) != len(targets):
        raise InputError("two formats would be written to the same file; use -o with a base name")
    for path in targets.values():
        if not path.parent.is_dir():
            raise InputError(f"folder {path.parent} does not exist")
    rendered: dict[Path, bytes] = {}
    signatures: dict[str, str] = {}
    for fmt, path in targets.items():
        content = render(data, fmt, lang, font)
        if key is not None and fmt == "pdf":
            from hardening.report.pdf import SIGNATURE_BOX

            reason = (f"hardening {data['kind']} report, scans {', '.join(str(i) for i in data['scan_ids'][:20])}"
                      + (" …" if len(data["scan_ids"]) > 20 else ""))
            content = key.sign_pdf(content, reason, SIGNATURE_BOX)
            signatures[path.name] = "embedded PAdES"
        rendered[path] = content
    if key is not None:
        from hardening.report.signing import manifest

        for path, content in list(rendered.items()):
            if path.name not in signatures:
                signature = path.with_name(path.name + ".p7s")
                rendered[signature] = key.sign_detached(content)
                signatures[path.name] = signature.name
        files = {p.name: c for p, c in rendered.items() if not p.name.endswith(".p7s")}
        stem = next(iter(targets.values()))
        stem = stem.with_name(stem.name.rsplit(".", 1)[0])
        manifest_path = stem.with_name(stem.name + ".manifest.json")
        manifest_bytes = manifest(files, signatures, key, data["kind"], data["scan_ids"])
        rendered[manifest_path] = manifest_bytes
        rendered[manifest_path.with_name(manifest_path.name + ".p7s")] = key.sign_detached(manifest_bytes)
    write_all(rendered)
    return list(rendered)

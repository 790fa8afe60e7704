"""The CJK font embedded in PDF reports.

PDFs embed a subset of one TrueType font that covers Chinese and Latin, so a report renders
the same in every reader whatever fonts the reader's machine has. Default: WenQuanYi Micro Hei
(Debian package ``fonts-wqy-microhei``, 1.6 MB download; TrueType outlines, which reportlab can
subset and embed; its licence, Apache-2.0 or GPLv3 with the font exception, allows embedding).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from hardening.errors import HardeningError

FONT_NAME = "HardeningCJK"
CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",          # fonts-wqy-microhei (Debian, Ubuntu)
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",           # Fedora / RHEL
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",            # fonts-wqy-zenhei
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
]
INSTALL_HINT = ("install one (Debian/Ubuntu: apt-get install fonts-wqy-microhei; RHEL: dnf install wqy-microhei-fonts) "
                "or pass --font FILE (a TrueType .ttf/.ttc with Chinese glyphs; OpenType/CFF fonts such as Noto CJK .otf "
                "cannot be embedded by reportlab)")

_registered: dict[str, str] = {}


class FontError(HardeningError):
    pass


def find_font(explicit: str | None = None) -> Path:
    """The font file to embed: --font, then $HARDENING_REPORT_FONT, then the known locations."""
    chosen = explicit or os.environ.get("HARDENING_REPORT_FONT")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise FontError(f"font {chosen} does not exist; {INSTALL_HINT}")
        return path
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn:fontformat=TrueType"],
                                   capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found.lower().endswith((".ttf", ".ttc")) and Path(found).is_file() and _has_chinese(Path(found)):
            return Path(found)
    raise FontError(f"no Chinese (CJK) font found for PDF reports; {INSTALL_HINT}")


def _has_chinese(path: Path) -> bool:
    try:
        return ord("检") in _load(path).face.charToGlyph
    except Exception:
        return False


def _load(path: Path):
    from reportlab.pdfbase.ttfonts import TTFont

    return TTFont(FONT_NAME, str(path), subfontIndex=0) if path.suffix.lower() == ".ttc" else TTFont(FONT_NAME, str(path))


def register(explicit: str | None = None) -> tuple[str, Path]:
    """Register the CJK font with reportlab (once) and return (font name, file)."""
    from reportlab.pdfbase import pdfmetrics

    path = find_font(explicit)
    key = str(path.resolve())
    if _registered.get(FONT_NAME) == key:
        return FONT_NAME, path
    try:
        font = _load(path)
    except Exception as exc:  # reportlab raises TTFError and others for unusable files
        raise FontError(f"font {path} cannot be embedded ({str(exc).splitlines()[0][:120]}); {INSTALL_HINT}") from None
    if ord("检") not in font.face.charToGlyph:
        raise FontError(f"font {path} has no Chinese glyphs; {INSTALL_HINT}")
    pdfmetrics.registerFont(font)
    _registered[FONT_NAME] = key
    return FONT_NAME, path

"""Atomic writes: a set of files appears completely or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hardening.errors import HardeningError


def write_all(files: dict[Path, bytes], mode: int = 0o644) -> None:
    """Write every file to a temporary name beside it, then rename them all; on any failure
    remove the temporaries, so no partial or half-set of files is left behind."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            if path.is_dir():
                raise HardeningError(f"{path} is a folder, not a file name")
            if not path.parent.is_dir():
                raise HardeningError(f"folder {path.parent} does not exist")
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((temp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
        for temp, path in temps:
            os.replace(temp, path)
        temps.clear()
    except OSError as exc:
        raise HardeningError(f"cannot write {exc.filename or ''}: {exc.strerror}") from None
    finally:
        for temp, _path in temps:
            try:
                os.unlink(temp)
            except OSError:
                pass


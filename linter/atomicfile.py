"""Reports written whole or not at all: into a temporary file beside the target, renamed over it
when complete. A run stopped by Ctrl-C, a kill or an error leaves the previous file (or none),
never a torn one; a kill -9 may leave a ``.<name>.*.kefulint-tmp`` file behind, never a half
report under the real name."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".kefulint-tmp"


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_binary(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file object whose content replaces ``path`` only when the block ends normally.
    An existing file keeps its permission bits; a new one gets the usual ``0o666 & ~umask``."""
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".",
                               prefix=f".{target.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` whole (see :func:`atomic_binary`)."""
    with atomic_binary(path) as fh:
        fh.write(data)

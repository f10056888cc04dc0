"""The user's private cache folder, and files in it that are checked before they are trusted.

Caches never live in a shared temporary folder: another local user could plant a file there
that is then loaded (jieba's caches are ``marshal`` data) or pre-create a link that makes us
overwrite one of our own files. The folder is ``$MINZHENG_CACHE_DIR`` or the platform's user
cache folder (``~/.cache/minzheng`` on Linux, via platformdirs), created with mode 0700, and
used only while it belongs to this user and no one else can write to it. Each file carries
the SHA-256 of its payload, is written to a fresh exclusive temporary file and renamed into
place, so a truncated, corrupted or foreign file is a cache miss, never a wrong result.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "read_checked", "write_checked"]

log = logging.getLogger("minzheng")
_DIGEST = hashlib.sha256().digest_size


def cache_dir() -> Path | None:
    """The private cache folder, created if needed; None when it cannot be made safe."""
    import platformdirs

    d = Path(os.environ.get("MINZHENG_CACHE_DIR") or platformdirs.user_cache_dir("minzheng"))
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = d.lstat()
    except OSError as exc:
        log.warning("no cache folder at %s (%s): caches are not kept", d, exc.strerror)
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        log.warning("cache folder %s is not a private folder of this user: caches are not kept", d)
        return None
    return d


def read_checked(path: Path) -> bytes | None:
    """The payload of a file written by :func:`write_checked`, or None when it is missing,
    not a regular file of ours, or its checksum does not match."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            return None
        data = fh.read()
    digest, payload = data[:_DIGEST], data[_DIGEST:]
    return payload if len(data) >= _DIGEST and hashlib.sha256(payload).digest() == digest else None


def write_checked(path: Path, payload: bytes) -> None:
    """Write ``payload`` with its checksum, atomically; a failure leaves nothing behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # O_EXCL, mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.sha256(payload).digest())
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

"""Reading documents from disk: bytes -> decoded, normalised text.

**Offsets.** Every ``char_start``/``char_end`` in every table refers to the *normalised text*
that :func:`normalize` returns for the source file: decoded, line endings as ``\\n``, and NFKC
(full-width digits, letters and punctuation folded to their ASCII forms), except that circled
numbers (①…⑳) are kept because they are an outline numbering style. Nothing is removed at
this stage; boilerplate and spam are *marked* by :mod:`analysis.clean`, so the offsets of
what is removed stay meaningful too.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from analysis.errors import UserError
from analysis.zh import CJK_RANGE

__all__ = ["Decoded", "decode_bytes", "read_bytes", "MAX_DOCUMENT_BYTES", "normalize", "sha256_bytes"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings that charset-normalizer may name for Chinese text; GB18030 is their superset.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
_KEEP = re.compile("[①-⑳]")
#: Characters that may change under NFKC: neither ASCII, nor CJK ideographs, nor kept as printed.
_MAY_CHANGE = re.compile(f"[^\x00-\x7f{CJK_RANGE}①-⑳]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Decoded:
    """A decoded document.

    Attributes:
        text: the normalised text all offsets refer to.
        encoding: the encoding the bytes were decoded with.
        sha256: hex digest of the source bytes (the build cache key).
        changed_chars: how many characters NFKC folded (full-width forms and the like).
        removed_controls: how many control characters (NUL, backspace …) were removed.
    """

    text: str
    encoding: str
    sha256: str
    changed_chars: int
    removed_controls: int = 0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _nfkc_keep_circled(text: str) -> str:
    parts = _KEEP.split(text)
    kept = _KEEP.findall(text)
    out = [unicodedata.normalize("NFKC", parts[0])]
    for k, p in zip(kept, parts[1:]):
        out.append(k)
        out.append(unicodedata.normalize("NFKC", p))
    return "".join(out)


def _drop_zero_width(text: str) -> str:
    return text.replace("\ufeff", "").replace("\u200b", "").replace("\u200d", "")


def _drop_controls(text: str) -> str:
    """Remove control characters other than tab and newline (a NUL from a bad export)."""
    return _CONTROL.sub("", text)


def normalize(text: str) -> str:
    """The text every offset refers to: ``str -> str``, a chain of small pure steps."""
    for step in (_normalize_newlines, _drop_controls, _drop_zero_width, _nfkc_keep_circled):
        text = step(text)
    return text


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise UserError(
                    f"{name}: starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason})"
                ) from None
    # a stray NUL (a bad export) still leaves UTF-8; UTF-16 without a BOM has them everywhere
    if data.count(0) <= max(16, len(data) // 100):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UserError(f"{name}: not a text file, or an encoding that cannot be recognised")
    enc = best.encoding.lower().replace("-", "").replace("_", "")
    enc = "gb18030" if enc in _GB_FAMILY else best.encoding
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return str(best), best.encoding


def decode_bytes(data: bytes, name: str = "input") -> Decoded:
    """Decode and normalise bytes, refusing binary data.

    Raises:
        UserError: the bytes are binary or in no recognisable encoding.
    """
    text, enc = ("", "utf-8") if not data else _decode(data, name)
    if text and len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise UserError(f"{name}: looks like a binary file, not text ({enc} decoding gives control characters)")
    norm = normalize(text)
    pre = _drop_zero_width(_normalize_newlines(text))
    # CJK unified ideographs and ASCII never change under NFKC: only look at the rest
    odd = set(_MAY_CHANGE.findall(pre))  # one pass in C, not a regex call per distinct character
    changed = sum(pre.count(c) for c in odd if unicodedata.normalize("NFKC", c) != c)
    controls = len(_CONTROL.findall(text))
    return Decoded(text=norm, encoding=enc, sha256=sha256_bytes(data), changed_chars=changed, removed_controls=controls)


#: Documents above this size are refused: a work plan is tens of kilobytes, a long
#: government work report a few hundred; 16 MB is a file that is not one document.
MAX_DOCUMENT_BYTES = 16 * 2**20


def read_bytes(path: str | Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file, or one clear error.

    A FIFO, device or socket is refused before it is opened (reading one would block or
    never end), and so is a file above ``max_bytes``.

    Raises:
        UserError: missing, a directory, not a regular file, too large, or unreadable.
    """
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise UserError(f"{p}: is a directory, not a text file")
        if not stat.S_ISREG(st.st_mode):
            raise UserError(f"{p}: not a regular file (a pipe, device or socket); save the text to a file first")
        if st.st_size > max_bytes:
            raise UserError(
                f"{p}: {st.st_size / 2**20:.1f} MB is more than one document "
                f"(at most {max_bytes / 2**20:.0f} MB); split it into its documents"
            )
        # O_NONBLOCK: a file swapped for a pipe after the check still cannot block the open
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            return fh.read(max_bytes + 1)[:max_bytes]
    except FileNotFoundError:
        raise UserError(f"{p}: no such file") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot be read ({exc.strerror})") from None

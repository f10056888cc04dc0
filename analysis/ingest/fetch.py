"""``minzheng add URL``: fetch a web page or an attachment (Word, PDF) over HTTP(S).

Only what the user names is fetched: no links are followed. The bytes are kept as they come,
with the file name ending their content type calls for (``.html``, ``.pdf``, ``.docx``,
``.txt``), so the build reads them as any other file of that format.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from analysis.errors import UserError
from analysis.ingest.read import MAX_DOCUMENT_BYTES

__all__ = ["Fetched", "fetch", "is_url", "TIMEOUT"]

#: Seconds to wait for a server before giving up.
TIMEOUT = 30
_URL = re.compile(r"^https?://", re.I)
_SUFFIX_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
}


@dataclass(frozen=True)
class Fetched:
    """A fetched document: its bytes, a file name for them, where and when it came from."""

    data: bytes
    name: str
    url: str
    retrieved_at: str


def is_url(s: str) -> bool:
    return bool(_URL.match(s))


def fetch(url: str) -> Fetched:
    """GET ``url`` (redirects followed), at most 16 MB.

    Raises:
        UserError: the server cannot be reached, answers with an error, or sends too much.
    """
    req = urllib.request.Request(url, headers={"User-Agent": "minzheng (civil-affairs document analysis)"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            data = resp.read(MAX_DOCUMENT_BYTES + 1)
            ctype = resp.headers.get_content_type()
            final = resp.geturl()
    except urllib.error.HTTPError as exc:
        raise UserError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(f"{url}: cannot be fetched ({reason})") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UserError(f"{url}: more than {MAX_DOCUMENT_BYTES // 2**20} MB; not one document")
    path = PurePosixPath(unquote(urlparse(final).path))
    suffix = _SUFFIX_BY_TYPE.get(ctype) or path.suffix.lower() or ".html"
    stem = path.stem or urlparse(final).hostname or "page"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return Fetched(data, f"{stem}{suffix}", final, now)

"""File formats: web pages, Word and PDF files to the text the pipeline reads.

A file is recognised by its first bytes (and its name where the bytes say nothing):

- plain text: decoded by :mod:`analysis.ingest.read`, untouched here;
- ``.html``/``.htm`` (or text that opens as HTML): the article body, found by trafilatura
  (navigation, toolbars, scripts and footers left out), with the page's title put first when
  the body does not hold it; the page's title, date and source go into the header hints;
- ``.docx``: paragraphs and table rows in order (python-docx);
- ``.pdf`` with a text layer: each page's text in order (pypdf).

Formats it cannot read — a scanned PDF, Word 97-2003 ``.doc``, WPS ``.wps``, OFD — get one
clear line naming the problem and how to convert the file. Offsets in every table refer to
the normalised *extracted* text; the raw file is kept as it is in ``data/raw``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from analysis.errors import UserError

__all__ = ["Extracted", "sniff", "extract", "SUFFIXES"]

#: File name endings minzheng reads (anything else is read as text, if it decodes).
SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, WPS .wps, old Excel
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)
#: A PDF page with fewer characters than this is taken as an image without a text layer.
_PDF_MIN_CHARS_PER_PAGE = 20
_SITE_SUFFIX = re.compile(r"\s*[_|｜]\s*|\s+[-—–]+\s+")
_CONVERT = "convert it to .docx or .pdf with a text layer (e.g. libreoffice --headless --convert-to docx FILE)"


@dataclass(frozen=True)
class Extracted:
    """The text of a file that is not plain text.

    Attributes:
        text: the document's text, one paragraph per line.
        fmt: ``html``, ``docx`` or ``pdf``.
        meta: manifest fields the file itself states (``title_zh``, ``issued_date``,
            ``publisher_zh``, ``source_url``), where it states them.
    """

    text: str
    fmt: str
    meta: dict[str, str] = field(default_factory=dict)


def sniff(data: bytes, name: str = "input") -> str:
    """``text``, ``html``, ``docx`` or ``pdf``.

    Raises:
        UserError: a format minzheng cannot read (scanned PDFs are found by :func:`extract`).
    """
    low = name.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_OLE):
        kind = "a WPS (.wps)" if low.endswith(".wps") else "a Word 97-2003 (.doc)"
        raise UserError(f"{name}: {kind} file, which minzheng cannot read; {_CONVERT}")
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise UserError(f"{name}: a damaged zip archive, not a document") from None
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names or low.endswith(".ofd"):
            raise UserError(f"{name}: an OFD file, which minzheng cannot read; export it as PDF with a text layer")
        raise UserError(f"{name}: a zip archive, not a document; unpack it and add the documents inside")
    if low.endswith((".html", ".htm", ".shtml", ".xhtml")) or _HTML_START.match(data[:4096]):
        return "html"
    return "text"


def extract(data: bytes, name: str, fmt: str) -> Extracted:
    """The text of an ``html``, ``docx`` or ``pdf`` file.

    Raises:
        UserError: the file is damaged, or a PDF has no text layer.
    """
    return {"html": _html, "docx": _docx, "pdf": _pdf}[fmt](data, name)


def _html(data: bytes, name: str) -> Extracted:
    import trafilatura

    try:
        body = trafilatura.extract(
            data, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
        )
        meta = trafilatura.extract_metadata(data)
    except (ValueError, TypeError) as exc:
        raise UserError(f"{name}: not a readable web page ({exc})") from None
    if not body:  # a page trafilatura finds no article in: all of its visible text
        body = trafilatura.html2txt(data) or ""
    if not body.strip():
        raise UserError(f"{name}: a web page with no text in it")
    body = _table_rows(body)
    found: dict[str, str] = {}
    # a page title carries the site's name after a separator: 2018年工作要点_武汉市民政局
    title = _SITE_SUFFIX.split((meta.title or "").strip())[0] if meta else ""
    if title:
        found["title_zh"] = title
        if title.replace(" ", "") not in body[:2000].replace(" ", ""):
            body = f"{title}\n{body}"
    if meta and meta.date:
        found["issued_date"] = meta.date
    if meta and meta.url:
        found["source_url"] = meta.url
    return Extracted(body, "html", found)


#: A table row as trafilatura writes it: | 1 | 新增养老床位 | 300张 | 养老服务科 |
_PIPE_ROW = re.compile(r"^\|(.*)\|\s*$")


def _table_rows(body: str) -> str:
    """A page's table rows with their cells parted by tabs, as a Word file's come out, so
    that a figure's cell and the cell before it can be told apart."""
    out = []
    for line in body.split("\n"):
        m = _PIPE_ROW.match(line)
        out.append("\t".join(c.strip() for c in m.group(1).split("|")) if m else line)
    return "\n".join(out)


def _docx(data: bytes, name: str) -> Extracted:
    import docx
    from docx.oxml.ns import qn

    try:
        doc = docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise UserError(f"{name}: a damaged Word file ({exc})") from None
    lines = []
    # paragraphs and tables in document order (doc.paragraphs alone skips the tables)
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in c.iter(qn("w:t"))) for c in row.iter(qn("w:tc"))]
                lines.append("\t".join(cells))
    props = doc.core_properties
    meta = {"title_zh": props.title.strip()} if props.title and props.title.strip() else {}
    return Extracted("\n".join(lines), "docx", meta)


def _pdf(data: bytes, name: str) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [p.extract_text() or "" for p in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UserError(f"{name}: a damaged PDF ({exc})") from None
    chars = sum(len("".join(p.split())) for p in pages)
    if not pages or chars < _PDF_MIN_CHARS_PER_PAGE * len(pages):
        raise UserError(
            f"{name}: a PDF without a text layer (a scan: {chars} characters on {len(pages)} pages); "
            "run OCR on it first (e.g. ocrmypdf -l chi_sim FILE OUT.pdf) or give the text"
        )
    meta = {}
    info = reader.metadata
    if info and info.title and info.title.strip():
        meta["title_zh"] = info.title.strip()
    return Extracted("\n".join(pages), "pdf", meta)

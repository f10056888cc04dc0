"""The per-document stages as one pure function: bytes in, rows out.

``process`` is what the build runs for each document (in a worker process when there are
many) and what the single-file commands (``minzheng outline FILE``) run directly. It keeps
plain row tuples; the frames are built once per table by the build (or on first use here),
because building small frames per document costs more than all the parsing together.
"""

from __future__ import annotations

from dataclasses import replace

from analysis.corpus.segment import cut_spans
from analysis.corpus.vocab import content_terms
from analysis.extract.targets import extract_records, lost_measure_words
from analysis.extract.themes import classify_records
from analysis.ingest.clean import Span, scan
from analysis.ingest.formats import extract, sniff
from analysis.ingest.read import Decoded, decode_bytes, sha256_bytes
from analysis.parse.outline import parse
from analysis.result import DocResult
from analysis.schema import row_type

__all__ = ["DocResult", "process", "issue_records"]  # DocResult lives in analysis.result


def issue_records(doc_id: str, spans: list[Span]) -> list:
    """``quality_issues`` rows, one per distinct (kind, span), in text order."""
    Row = row_type("quality_issues")
    seen, rows = set(), []
    for s in sorted(spans, key=lambda s: (s.start, s.end, s.kind)):
        key = (s.kind, s.start, s.end)
        if key not in seen:
            seen.add(key)
            rows.append(Row(doc_id, s.kind, s.start, s.end, s.excerpt, s.action))
    return rows


#: Encodings recorded for text extracted from a file format rather than decoded.
FORMATS = ("html", "docx", "pdf")


def _decoding_spans(d: Decoded) -> list[Span]:
    out = []
    if d.encoding in FORMATS:
        out.append(Span(0, 0, "format_extracted", f"text extracted from {d.encoding}", "parsed"))
    elif d.encoding not in ("utf-8", "ascii"):
        out.append(Span(0, 0, "encoding_repair", f"decoded from {d.encoding}", "repaired"))
    if d.removed_controls:
        n = d.removed_controls
        out.append(Span(0, 0, "control_characters", f"{n} control characters (NUL …) removed", "repaired"))
    if d.changed_chars:
        out.append(Span(0, 0, "fullwidth_normalized", f"{d.changed_chars} characters folded by NFKC", "repaired"))
    return out


def _read(data: bytes, name: str) -> tuple[Decoded, dict[str, str]]:
    """The decoded text of a text file, or of the text extracted from a page, Word or PDF
    file (the hash stays that of the file's own bytes), and the fields the file states."""
    fmt = sniff(data, name)
    if fmt == "text":
        return decode_bytes(data, name), {}
    ex = extract(data, name, fmt)
    decoded = decode_bytes(ex.text.encode("utf-8"), name)
    return replace(decoded, encoding=fmt, sha256=sha256_bytes(data)), ex.meta


def _unbreak(masked: str, joins: list[int]) -> str:
    """``masked`` with the line breaks at ``joins`` made spaces (the length is kept)."""
    if not joins:
        return masked
    chars = list(masked)
    for i in joins:
        if chars[i] == "\n":
            chars[i] = " "
    return "".join(chars)


def process(
    data: bytes, doc_id: str, name: str = "input", genre: str | None = None, year: int | None = None
) -> DocResult:
    """Decode, clean, outline, classify and extract the quantities of one document.

    Args:
        data: the file's bytes.
        doc_id: id for the rows.
        name: how to name the input in error messages.
        genre: the manifest's genre; inferred from the text when None.
        year: the manifest's year; the year in the title when None.

    Raises:
        UserError: binary or undecodable input, or a file format minzheng cannot read.
    """
    decoded, found = _read(data, name)
    cleaned = scan(decoded.text)
    outline = parse(cleaned, doc_id)
    sections = outline.records
    # a line break inside a paragraph (a cut line) ends no sentence: quantities and tokens
    # read across it
    masked = _unbreak(cleaned.masked, outline.joins)
    # the document is segmented once, as plain jieba would; each section takes the tokens of
    # its own span, with boilerplate and spam blanked; themes and TF-IDF share them
    own = cut_spans(masked, [(r.char_start, r.own_end) for r in sections])
    tokens = {r.section_id: t for r, t in zip(sections, own)}
    theme_rows = classify_records(sections, leaves_only=False, tokens=tokens)
    primary = {r.section_id: r.theme_id for r in theme_rows if r.is_primary}
    target_rows = [
        t._replace(theme_id=primary.get(t.section_id)) for t in extract_records(sections, masked, doc_id, genre, year)
    ]
    spans = _decoding_spans(decoded) + cleaned.spans + outline.issues + lost_measure_words(masked)
    terms = {sid: content_terms(toks) for sid, toks in tokens.items()}
    header = {**found, **cleaned.header}  # what the text's own header block says comes first
    return DocResult(doc_id, decoded, header, sections, target_rows, theme_rows, issue_records(doc_id, spans), terms)

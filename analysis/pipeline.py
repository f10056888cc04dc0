"""The per-document stages as one pure function: bytes in, tables out.

``process`` is what the build runs for each document (in a worker process when there are
many) and what the single-file commands (``minzheng outline FILE``) run directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .clean import Span, scan
from .outline import parse
from .schema import validate
from .segment import cut
from .targets import extract, lost_measure_words
from .themes import classify, leaf_sections
from .textio import Decoded, decode_bytes

__all__ = ["DocResult", "process", "issues_frame"]


@dataclass
class DocResult:
    """Tables for one document, plus what the header block suggested."""

    doc_id: str
    decoded: Decoded
    sections: pd.DataFrame
    quality_issues: pd.DataFrame
    header: dict[str, str]
    targets: pd.DataFrame
    section_themes: pd.DataFrame
    themes_all: pd.DataFrame
    tokens: dict[str, list[str]]


def issues_frame(doc_id: str, spans: list[Span]) -> pd.DataFrame:
    rows = [dict(doc_id=doc_id, kind=s.kind, char_start=s.start, char_end=s.end, excerpt=s.excerpt, action=s.action) for s in spans]
    df = pd.DataFrame(rows, columns=["doc_id", "kind", "char_start", "char_end", "excerpt", "action"])
    df = df.drop_duplicates(["doc_id", "kind", "char_start", "char_end"]).sort_values(["char_start", "char_end", "kind"])
    return validate(df, "quality_issues")


def _decoding_spans(d: Decoded) -> list[Span]:
    out = []
    if d.encoding not in ("utf-8", "ascii"):
        out.append(Span(0, 0, "encoding_repair", f"decoded from {d.encoding}", "repaired"))
    if d.changed_chars:
        out.append(Span(0, 0, "fullwidth_normalized", f"{d.changed_chars} characters folded by NFKC", "repaired"))
    return out


def process(data: bytes, doc_id: str, name: str = "input", genre: str | None = None) -> DocResult:
    """Decode, clean, outline and extract the quantities of one document.

    Args:
        data: the file's bytes.
        doc_id: id for the rows.
        name: how to name the input in error messages.
        genre: the manifest's genre; inferred from the text when None.

    Raises:
        UserError: binary or undecodable input.
    """
    decoded = decode_bytes(data, name)
    cleaned = scan(decoded.text)
    outline = parse(cleaned, doc_id)
    targets = extract(outline.sections, cleaned.masked, doc_id, genre)
    # each section's own text is segmented once; themes and TF-IDF share the tokens
    tokens = {sid: cut(text) for sid, text in zip(outline.sections.section_id, outline.sections.text)}
    themes_all = classify(outline.sections, leaves_only=False, tokens=tokens)
    primary = themes_all[themes_all.is_primary].set_index("section_id").theme_id
    targets["theme_id"] = targets.section_id.map(primary).astype("string")
    leaves = set(leaf_sections(outline.sections).section_id)
    section_themes = themes_all[themes_all.section_id.isin(leaves)].reset_index(drop=True)
    spans = _decoding_spans(decoded) + cleaned.spans + outline.issues + lost_measure_words(cleaned.masked)
    return DocResult(doc_id, decoded, outline.sections, issues_frame(doc_id, spans), cleaned.header, targets,
                     section_themes, themes_all, tokens)

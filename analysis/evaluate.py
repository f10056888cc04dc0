"""Scoring against the hand-made gold answers, by the rules of ``tests/gold/README.md``.

Used by the test suite and by ``make score``; the gold files are test data and are passed
in by the caller, never read from a fixed path here.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["title_match", "score_outline"]


def _key(title: str) -> str:
    return re.sub(r"\s+", "", title or "")[:6]


def title_match(a: str, b: str) -> bool:
    """Two titles match when they share their first 6 characters, spaces removed."""
    return _key(a) == _key(b) and _key(a) != ""


def score_outline(sections: pd.DataFrame, gold: dict) -> pd.DataFrame:
    """Per-document outline score.

    Args:
        sections: the ``sections`` table (any number of documents).
        gold: ``{doc_id: {"parts": [{"n", "title"}], "items": [{"part", "n", "title"}]}}``.

    Returns:
        One row per gold document: parts and items found / expected, titles matched in order,
        and the list of mismatches (position, ours, gold).
    """
    rows = []
    for doc_id, g in gold.items():
        s = sections[sections.doc_id == doc_id]
        out = {"doc_id": doc_id}
        for level, name in ((1, "parts"), (2, "items")):
            ours = s.loc[s.level == level, "title"].tolist()
            ref = [x["title"] for x in g[name]]
            matched = sum(title_match(a, b) for a, b in zip(ours, ref))
            out[f"{name}_found"] = len(ours)
            out[f"{name}_expected"] = len(ref)
            out[f"{name}_titles_matched"] = matched
            out[f"{name}_mismatches"] = [
                (k + 1, a, b) for k, (a, b) in enumerate(zip(ours, ref)) if not title_match(a, b)
            ]
        rows.append(out)
    return pd.DataFrame(rows)

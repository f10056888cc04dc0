"""Corpus-level stage of the build: clusters, similarity and distinctive terms, computed
from the per-document results (and their cached tokens), never from the raw text again."""

from __future__ import annotations

import pandas as pd

from .pipeline import DocResult
from .terms import cluster_sections, distinctive_terms, doc_similarity
from .themes import leaf_ids

__all__ = ["analyze", "clustering_input"]


def clustering_input(results: list[DocResult]) -> tuple[list[str], list[list[str]]]:
    """Leaf sections below the preamble and their content terms, in document order."""
    ids, terms = [], []
    for r in results:
        leaves = leaf_ids(r.section_rows)
        for row in r.section_rows:
            if row.level > 0 and row.section_id in leaves:
                ids.append(row.section_id)
                terms.append(r.terms[row.section_id])
    return ids, terms


def analyze(results: list[DocResult], k: int | None = None, min_df: int = 2, seed: int = 0) -> dict[str, pd.DataFrame]:
    """``section_terms``, ``section_clusters``, ``cluster_terms``, ``doc_similarity`` and ``distinctive_terms``."""
    ids, terms = clustering_input(results)
    section_terms = pd.DataFrame({"section_id": ids, "doc_id": [i.split(":")[0] for i in ids], "terms": terms})
    if len(ids) >= 2:
        clusters, cterms = cluster_sections(ids, terms, k=k, min_df=min_df, seed=seed)
    else:
        clusters, cterms = cluster_sections(ids, terms, k=1, min_df=1, seed=seed) if ids else (None, None)
    doc_terms = {r.doc_id: [t for ts in r.terms.values() for t in ts] for r in results}
    out = {
        "section_terms": section_terms,
        "doc_similarity": doc_similarity(list(doc_terms), list(doc_terms.values())),
        "distinctive_terms": distinctive_terms(doc_terms),
    }
    if clusters is not None:
        out["section_clusters"], out["cluster_terms"] = clusters, cterms
    return out

"""Corpus-level stage of the build: clusters, similarity and distinctive terms, computed
from the per-document results (and their cached tokens), never from the raw text again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .pipeline import DocResult
from .terms import cluster_counts, count_matrix, distinctive_counts, group_counts, similarity_counts
from .themes import leaf_ids

__all__ = ["analyze", "clustering_input"]


def _all_sections(results: list[DocResult]) -> tuple[list[str], list[int], np.ndarray, list[list[str]]]:
    """Every section's id, owner (index into results), whether it is clustered (a leaf below
    the preamble) and content terms, in document order."""
    sections, owner, clustered, term_lists = [], [], [], []
    for i, r in enumerate(results):
        leaves = leaf_ids(r.section_rows)
        for row in r.section_rows:
            sections.append(row.section_id)
            owner.append(i)
            clustered.append(row.level > 0 and row.section_id in leaves)
            term_lists.append(r.terms[row.section_id])
    return sections, owner, np.flatnonzero(clustered), term_lists


def clustering_input(results: list[DocResult]) -> tuple[list[str], list[list[str]]]:
    """Leaf sections below the preamble and their content terms, in document order."""
    sections, _, leaf, term_lists = _all_sections(results)
    return [sections[i] for i in leaf], [term_lists[i] for i in leaf]


#: The k chosen by silhouette is reused by later builds until the number of sections has
#: changed by more than this share (choosing k is the costliest step of a rebuild; the
#: clustering itself is always recomputed).
K_REUSE_TOLERANCE = 0.10


def _cached_k(path: Path | None, n: int, min_df: int) -> int | None:
    if path is None or not path.exists():
        return None
    try:
        c = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if c.get("min_df") == min_df and c.get("n_sections") and abs(n - c["n_sections"]) <= K_REUSE_TOLERANCE * c["n_sections"]:
        return int(c["k"])
    return None


def analyze(results: list[DocResult], k: int | None = None, min_df: int = 2, seed: int = 0,
            k_cache: Path | None = None) -> dict[str, pd.DataFrame]:
    """``section_terms``, ``section_clusters``, ``cluster_terms``, ``doc_similarity`` and ``distinctive_terms``.

    Every section's terms are counted once (one sections x terms matrix); clusters use the
    rows of the leaf sections, documents the sums of all their sections' rows.

    Args:
        k: number of clusters; chosen by silhouette when None (and remembered in ``k_cache``).
    """
    sections, owner, leaf, term_lists = _all_sections(results)
    C, vocab = count_matrix(term_lists)
    ids = [sections[i] for i in leaf]
    section_terms = pd.DataFrame({"section_id": ids, "doc_id": [results[owner[i]].doc_id for i in leaf],
                                  "terms": [term_lists[i] for i in leaf]})
    chosen = k or _cached_k(k_cache, len(ids), min_df)
    clusters = cterms = None
    if len(ids) >= 2:
        clusters, cterms = cluster_counts(ids, C[leaf], vocab, k=chosen, min_df=min_df, seed=seed)
        if k_cache is not None and not chosen:
            k_cache.write_text(json.dumps({"k": int(clusters.k.iloc[0]), "n_sections": len(ids), "min_df": min_df}), encoding="utf-8")
    elif ids:
        clusters, cterms = cluster_counts(ids, C[leaf], vocab, k=1, min_df=1, seed=seed)
    doc_ids = [r.doc_id for r in results]
    D = group_counts(owner, len(results), C)
    out = {
        "section_terms": section_terms,
        "doc_similarity": similarity_counts(doc_ids, D),
        "distinctive_terms": distinctive_counts(doc_ids, D, vocab),
    }
    if clusters is not None:
        out["section_clusters"], out["cluster_terms"] = clusters, cterms
    return out

"""Corpus-level stage of the build: clusters, similarity and distinctive terms, computed
from the per-document results (and their cached tokens), never from the raw text again."""

from __future__ import annotations

import json
from pathlib import Path

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

    Args:
        k: number of clusters; chosen by silhouette when None (and remembered in ``k_cache``).
    """
    ids, terms = clustering_input(results)
    section_terms = pd.DataFrame({"section_id": ids, "doc_id": [i.split(":")[0] for i in ids], "terms": terms})
    chosen = k or _cached_k(k_cache, len(ids), min_df)
    if len(ids) >= 2:
        clusters, cterms = cluster_sections(ids, terms, k=chosen, min_df=min_df, seed=seed)
        if k_cache is not None and not chosen:
            k_cache.write_text(json.dumps({"k": int(clusters.k.iloc[0]), "n_sections": len(ids), "min_df": min_df}), encoding="utf-8")
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

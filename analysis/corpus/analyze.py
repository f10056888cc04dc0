"""Corpus-level stage of the build: clusters, similarity and distinctive terms, computed
from the per-document results (and their cached tokens), never from the raw text again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.corpus.clusters import cluster_counts
from analysis.corpus.distinctive import distinctive_counts
from analysis.corpus.matrix import count_matrix, group_counts
from analysis.corpus.similarity import similarity_counts
from analysis.result import DocResult

__all__ = ["SectionCounts", "analyze", "clustering_input", "prepare_analysis"]


@dataclass
class SectionCounts:
    """Content-term counts of every section: all the corpus stage needs.

    A build keeps the counts of its documents (:meth:`save`); the next build counts only the
    new or changed documents and merges (:meth:`combine`), which gives the same matrix as
    counting every document again.

    Attributes:
        doc_ids: the documents, in build order.
        owner: each section's document (index into ``doc_ids``); sections in document order.
        section_ids: each section's id.
        clustered: whether the section is clustered (a leaf below the preamble).
        counts: sections x terms counts (CSR), as :func:`analysis.terms.count_matrix` makes them.
        vocab: the terms, sorted.
    """

    doc_ids: np.ndarray
    owner: np.ndarray
    section_ids: np.ndarray
    clustered: np.ndarray
    counts: sp.csr_matrix
    vocab: np.ndarray

    @classmethod
    def of(cls, results: list[DocResult]) -> "SectionCounts":
        """Count the terms of every section of ``results``."""
        sections, owner, clustered, term_lists = [], [], [], []
        for i, r in enumerate(results):
            leaves = {row.section_id for row in r.section_term_rows}
            for row in r.section_rows:
                sections.append(row.section_id)
                owner.append(i)
                clustered.append(row.section_id in leaves)
                term_lists.append(r.terms[row.section_id])
        C, vocab = count_matrix(term_lists)
        return cls(
            np.array([r.doc_id for r in results], dtype=object),
            np.array(owner, dtype=np.int64),
            np.array(sections, dtype=object),
            np.array(clustered, dtype=bool),
            C,
            vocab,
        )

    def save(self, path: Path) -> None:
        """Write to ``path`` (an .npz file; strings stored as fixed-width unicode, not pickled)."""
        C = self.counts
        with path.open("wb") as fh:
            np.savez(
                fh,
                doc_ids=self.doc_ids.astype(str),
                owner=self.owner,
                section_ids=self.section_ids.astype(str),
                clustered=self.clustered,
                data=C.data,
                indices=C.indices,
                indptr=C.indptr,
                shape=np.array(C.shape),
                vocab=self.vocab.astype(str),
            )

    @classmethod
    def load(cls, path: Path) -> "SectionCounts":
        with np.load(path, allow_pickle=False) as z:
            C = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            return cls(
                z["doc_ids"].astype(object),
                z["owner"],
                z["section_ids"].astype(object),
                z["clustered"],
                C,
                z["vocab"].astype(object),
            )

    @classmethod
    def combine(cls, parts: list["SectionCounts"], doc_ids: list[str]) -> "SectionCounts":
        """The counts of ``doc_ids``, in that order, each document's from the last part that
        holds it (parts' other documents are dropped; terms left in no section go).

        Raises:
            KeyError: a document in no part.
        """
        vocab = np.unique(np.concatenate([p.vocab for p in parts]))
        pos = {d: i for i, d in enumerate(doc_ids)}
        missing = set(doc_ids).difference(*(p.doc_ids for p in parts))
        if missing:
            raise KeyError(f"no counts for {sorted(missing)[:3]}")
        source = {d: i for i, p in enumerate(parts) for d in p.doc_ids}
        blocks, row_doc = [], []
        for i, p in enumerate(parts):
            # vocab is sorted, so mapping a part's sorted columns into it keeps each row sorted
            cols = np.searchsorted(vocab, p.vocab)[p.counts.indices].astype(p.counts.indices.dtype)
            blocks.append(sp.csr_matrix((p.counts.data, cols, p.counts.indptr), shape=(p.counts.shape[0], len(vocab))))
            row_doc.append(
                np.array([pos.get(d, -1) if source[d] == i else -1 for d in p.doc_ids], dtype=np.int64)[p.owner]
            )
        row_doc = np.concatenate(row_doc)
        rows = np.flatnonzero(row_doc >= 0)
        rows = rows[np.argsort(row_doc[rows], kind="stable")]
        C = sp.vstack(blocks, format="csr")[rows]
        used = np.flatnonzero(np.bincount(C.indices, minlength=len(vocab)))
        if len(used) < len(vocab):
            C, vocab = C[:, used], vocab[used]
        C.sort_indices()
        sections = np.concatenate([p.section_ids for p in parts])[rows]
        clustered = np.concatenate([p.clustered for p in parts])[rows]
        return cls(np.array(doc_ids, dtype=object), row_doc[rows], sections, clustered, C, vocab)


def clustering_input(results: list[DocResult]) -> tuple[list[str], list[list[str]]]:
    """Leaf sections below the preamble and their content terms, in document order."""
    rows = [row for r in results for row in r.section_term_rows]
    return [row.section_id for row in rows], [row.terms for row in rows]


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
    if (
        c.get("min_df") == min_df
        and c.get("n_sections")
        and abs(n - c["n_sections"]) <= K_REUSE_TOLERANCE * c["n_sections"]
    ):
        return int(c["k"])
    return None


def prepare_analysis() -> None:
    """Import scikit-learn, which :func:`analyze` needs and which takes about a second to
    import: a build calls this while its workers process the new documents."""
    import sklearn.cluster  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401


def analyze(
    sc: SectionCounts, k: int | None = None, min_df: int = 2, seed: int = 0, k_cache: Path | None = None
) -> dict[str, pd.DataFrame]:
    """``section_clusters``, ``cluster_terms``, ``doc_similarity`` and ``distinctive_terms``, each
    validated against its schema.

    Clusters use the rows of the clustered sections, documents the sums of all their
    sections' rows.

    Args:
        k: number of clusters; chosen by silhouette when None (and remembered in ``k_cache``).
    """
    doc_ids = sc.doc_ids.tolist()
    D = group_counts(sc.owner, len(doc_ids), sc.counts)
    out = {
        "doc_similarity": similarity_counts(doc_ids, D),
        "distinctive_terms": distinctive_counts(doc_ids, D, sc.vocab),
    }
    leaf = np.flatnonzero(sc.clustered)
    ids = sc.section_ids[leaf].tolist()
    C = sc.counts[leaf]
    chosen = k or _cached_k(k_cache, len(ids), min_df)
    if len(ids) >= 2:
        out["section_clusters"], out["cluster_terms"] = cluster_counts(
            ids, C, sc.vocab, k=chosen, min_df=min_df, seed=seed
        )
        if k_cache is not None and not chosen:
            k = int(out["section_clusters"].k.iloc[0])
            k_cache.write_text(json.dumps({"k": k, "n_sections": len(ids), "min_df": min_df}), encoding="utf-8")
    elif ids:
        out["section_clusters"], out["cluster_terms"] = cluster_counts(ids, C, sc.vocab, k=1, min_df=1, seed=seed)
    return out

"""Cosine similarity of documents' TF-IDF vectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.corpus.matrix import count_matrix, tfidf, top_per_group
from analysis.schema import validate

__all__ = ["SIMILARITY_ALL_PAIRS_MAX", "SIMILAR_TOP", "doc_similarity", "similarity_counts"]

#: Above this many documents, doc_similarity keeps each document's nearest ``SIMILAR_TOP``.
SIMILARITY_ALL_PAIRS_MAX = 200
SIMILAR_TOP = 20


def doc_similarity(doc_ids: list[str], term_lists: list[list[str]]) -> pd.DataFrame:
    """Cosine similarity of documents' TF-IDF vectors, long format.

    Every ordered pair up to ``SIMILARITY_ALL_PAIRS_MAX`` documents; above that, each
    document with itself and its ``SIMILAR_TOP`` most similar documents.
    """
    return similarity_counts(doc_ids, count_matrix(term_lists)[0])


#: Rows of the similarity matrix computed at a time above SIMILARITY_ALL_PAIRS_MAX documents,
#: so memory stays at block x documents instead of documents squared.
_SIMILARITY_BLOCK = 512
#: Document vectors share most of their vocabulary, so a dense BLAS product is many times
#: faster than a sparse one (0.7 s against 12 s for 4,000 synthetic documents); it is used
#: while the dense documents x terms matrix fits in this many bytes.
_DENSE_MAX_BYTES = 256 * 2**20
#: The documents x documents similarities are computed in one product while they fit in this
#: many bytes (2,896 documents), in blocks of _SIMILARITY_BLOCK rows above.
_FULL_MAX_BYTES = 64 * 2**20


def similarity_counts(doc_ids: list[str], counts: sp.csr_matrix) -> pd.DataFrame:
    """:func:`doc_similarity` on a documents x terms count matrix."""
    X, _ = tfidf(counts, min_df=1, max_df=1.0)
    n = len(doc_ids)
    Y = X.toarray() if X.shape[0] * X.shape[1] * 8 <= _DENSE_MAX_BYTES else None
    # while the whole documents x documents matrix fits, it is one product of Y with its own
    # transpose, which BLAS computes as one triangle (0.31 s against 0.53 s in blocks at
    # 2,000 documents)
    full = Y @ Y.T if Y is not None and n * n * 8 <= _FULL_MAX_BYTES else None

    def rows(lo: int, hi: int) -> np.ndarray:
        if full is not None:
            return full[lo:hi]
        # X @ block.T, turned round: block @ X.T would make scipy copy the whole of X into
        # row order for every block (at 10,000 documents, 600 MB each time, the build's
        # peak); the sums run over the same terms in the same order, so the values are equal
        return Y[lo:hi] @ Y.T if Y is not None else (X @ X[lo:hi].T).T.toarray()

    if n <= SIMILARITY_ALL_PAIRS_MAX:
        a_idx, b_idx, sims = [np.repeat(np.arange(n), n)], [np.tile(np.arange(n), n)], [rows(0, n).ravel()]
    else:
        a_idx, b_idx, sims = [], [], []
        for lo in range(0, n, _SIMILARITY_BLOCK):
            S = rows(lo, lo + _SIMILARITY_BLOCK)
            # each row's SIMILAR_TOP + 1 largest, ties to the lower index (a stable sort's order)
            part = np.argpartition(-S, SIMILAR_TOP, axis=1)[:, : SIMILAR_TOP + 1]
            thr = np.take_along_axis(S, part, axis=1).min(axis=1)
            r, c = np.nonzero(S >= thr[:, None])
            v = S[r, c]
            best, _ = top_per_group(r, v, c, len(S), SIMILAR_TOP + 1)
            a_idx.append(lo + r[best])
            b_idx.append(c[best])
            sims.append(v[best])
    ids = np.asarray(doc_ids, dtype=object)
    a, b, sim = np.concatenate(a_idx), np.concatenate(b_idx), np.round(np.concatenate(sims), 6)
    return validate(pd.DataFrame({"doc_a": ids[a], "doc_b": ids[b], "similarity": sim}), "doc_similarity")

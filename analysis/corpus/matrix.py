"""Count matrices and TF-IDF: sections x terms counts, their TF-IDF, sums over groups, and
the top entries of each group."""

from __future__ import annotations

from itertools import chain
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["count_matrix", "tfidf", "section_matrix", "group_counts", "top_per_group"]

# scikit-learn is imported inside the functions that use it: importing it takes about a
# second (it pulls in scipy.stats), which the single-file commands never need and which a
# rebuild spends while its workers already process the new documents.


def count_matrix(term_lists: Sequence[Sequence[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows x terms counts (CSR, int64) and the vocabulary, sorted as CountVectorizer sorts it.

    The same matrix as ``CountVectorizer(analyzer=list)``, built in one vectorised pass
    (pandas' hash factorisation instead of a Python loop per token), so the corpus stage
    counts every section once and derives section, cluster and document matrices from it.
    """
    n = len(term_lists)
    lengths = np.fromiter(map(len, term_lists), dtype=np.int64, count=n)
    flat = np.fromiter(chain.from_iterable(term_lists), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat)
    uniques = np.asarray(uniques, dtype=object)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    rows = np.repeat(np.arange(n), lengths)
    C = sp.csr_matrix((np.ones(len(codes), dtype=np.int64), (rows, rank[codes])), shape=(n, len(uniques)))
    C.sum_duplicates()
    return C, uniques[order]


def tfidf(counts: sp.csr_matrix, min_df: int = 2, max_df: float = 0.5) -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF (sublinear tf, smooth idf, L2 rows) of a count matrix, as TfidfVectorizer computes it.

    Args:
        counts: rows x terms counts.
        min_df: keep terms in at least this many rows (at most the number of rows).
        max_df: keep terms in at most this share of rows (only above 10 rows).

    Returns:
        The matrix, and the indices of the kept columns.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero((df >= min(min_df, max(n, 1))) & (df <= (max_df if n > 10 else 1.0) * n))
    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, keep]) if len(keep) else sp.csr_matrix((n, 0))
    return X, keep


def section_matrix(
    term_lists: list[list[str]], min_df: int = 2, max_df: float = 0.5
) -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF over sections (sublinear tf, L2 rows) and its vocabulary.

    ``term_lists`` are already-filtered terms; for raw text use
    ``TfidfVectorizer(tokenizer=tokenize, token_pattern=None, sublinear_tf=True)``.
    """
    C, vocab = count_matrix(term_lists)
    X, keep = tfidf(C, min_df, max_df)
    return X, vocab[keep]


def top_per_group(
    group: np.ndarray, score: np.ndarray, col: np.ndarray, n_groups: int, top: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each group's ``top`` entries, highest score first and ties by column (a sorted
    vocabulary's column order is its terms' order): their indices, groups in order, and their
    ranks from 1."""
    order = np.lexsort((col, -score, group))
    g = group[order]
    rank = np.arange(len(order)) - np.searchsorted(g, np.arange(n_groups))[g] + 1
    keep = rank <= top
    return order[keep], rank[keep]


def group_counts(group: Sequence[int], n_groups: int, counts: sp.csr_matrix) -> sp.csr_matrix:
    """Counts summed over rows: row g of the result sums the rows i with ``group[i] == g``."""
    group = np.asarray(group, dtype=np.int64)
    G = sp.csr_matrix(
        (np.ones(len(group), dtype=np.int64), (group, np.arange(len(group)))), shape=(n_groups, len(group))
    )
    return (G @ counts).tocsr()

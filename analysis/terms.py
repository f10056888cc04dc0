"""Terms, TF-IDF clusters of sections, document similarity and distinctive terms.

All functions are pure: tables (and cached tokens) in, tables out. Tokens are jieba's
(precise mode, civil-affairs user dictionary, :mod:`analysis.segment`), filtered by
:func:`content_terms`: a term has a Chinese character, two characters or more, is not in
``resources/stopwords.txt`` (which also holds the boilerplate political formulas) and is not
a number (``resources/term_filters.tsv``).
"""

from __future__ import annotations

import functools
import re
from itertools import chain
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import resources
from .schema import validate

__all__ = [
    "stopwords", "content_terms", "tokenize", "count_matrix", "tfidf", "group_counts", "section_matrix", "cluster_counts",
    "similarity_counts", "distinctive_counts", "best_k", "choose_k", "cluster_sections", "cluster_terms",
    "silhouette_by_k", "agreement", "doc_similarity", "log_odds_dirichlet", "distinctive_terms", "AGGLOMERATIVE_MAX",
    "K_RANGE", "SIMILARITY_ALL_PAIRS_MAX", "SIMILAR_TOP",
]

#: Above this many sections, clustering switches from agglomerative (cosine, average
#: linkage, O(n^2) memory) to MiniBatchKMeans on L2-normalised TF-IDF, and the silhouette
#: is computed on a sample of this size.
AGGLOMERATIVE_MAX = 4000
#: k is chosen by silhouette within this band around the codebook's 18 themes.
K_RANGE = range(8, 25)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# scikit-learn is imported inside the functions that use it: importing it
# takes about a second (it pulls in scipy.stats), which the single-file commands never need
# and which a rebuild spends while its workers already process the new documents.


@functools.lru_cache(maxsize=None)
def stopwords() -> frozenset[str]:
    return frozenset(resources.lines("stopwords.txt"))


@functools.lru_cache(maxsize=None)
def _not_terms() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{rx})" for _, rx in resources.rows("term_filters.tsv")))


@functools.lru_cache(maxsize=200_000)
def _is_term(t: str) -> bool:
    return len(t) > 1 and _CJK.search(t) is not None and t not in stopwords() and not _not_terms().fullmatch(t)


def content_terms(tokens: list[str]) -> list[str]:
    """Keep the tokens that say what a plan does (see the module docstring)."""
    return list(filter(_is_term, tokens))


def tokenize(text: str) -> list[str]:
    """The tokenizer plugged into TfidfVectorizer for raw text: jieba, then content_terms."""
    from .segment import cut  # jieba: see analysis.result

    return content_terms(cut(text))


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


def section_matrix(term_lists: list[list[str]], min_df: int = 2, max_df: float = 0.5) -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF over sections (sublinear tf, L2 rows) and its vocabulary.

    ``term_lists`` are already-filtered terms; for raw text use
    ``TfidfVectorizer(tokenizer=tokenize, token_pattern=None, sublinear_tf=True)``.
    """
    C, vocab = count_matrix(term_lists)
    X, keep = tfidf(C, min_df, max_df)
    return X, vocab[keep]


def _distances(X) -> np.ndarray:
    """Cosine distances between L2-normalised rows, as a dense square matrix."""
    dist = np.clip(1.0 - (X @ X.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    return dist


def _tree(X, dist: np.ndarray | None = None) -> np.ndarray:
    """Average-linkage tree on cosine distance (rows of X are L2-normalised)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    return linkage(squareform(_distances(X) if dist is None else dist, checks=False), method="average")


def _cut(tree: np.ndarray, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, t=k, criterion="maxclust") - 1


def _labels(X, k: int, seed: int, tree: np.ndarray | None = None) -> np.ndarray:
    """Agglomerative clustering (cosine, average linkage) up to AGGLOMERATIVE_MAX sections, one
    tree cut at k clusters (the same partition as sklearn's AgglomerativeClustering); above
    it, MiniBatchKMeans on the L2-normalised rows."""
    from sklearn.cluster import MiniBatchKMeans

    if X.shape[0] <= AGGLOMERATIVE_MAX:
        return _cut(tree if tree is not None else _tree(X), k)
    return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit_predict(X)


def silhouette_by_k(X, ks=K_RANGE, seed: int = 0, tree: np.ndarray | None = None) -> pd.DataFrame:
    """Silhouette (cosine) of the clustering at each k: columns k, silhouette.

    Above ``AGGLOMERATIVE_MAX`` sections, k is judged on a seeded random sample of that many
    sections (MiniBatchKMeans on the sample), so choosing k costs the same at any size. The
    distances are computed once for all k.
    """
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.metrics import silhouette_score

    if X.shape[0] > AGGLOMERATIVE_MAX:
        idx = np.random.default_rng(seed).choice(X.shape[0], AGGLOMERATIVE_MAX, replace=False)
        X = X[np.sort(idx)]
        dist = _distances(X)

        def labels_at(k: int) -> np.ndarray:
            return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=1, batch_size=2048).fit_predict(X)
    else:
        dist = _distances(X)
        tree = tree if tree is not None else (_tree(X, dist) if X.shape[0] >= 2 else None)

        def labels_at(k: int) -> np.ndarray:
            return _labels(X, k, seed, tree)

    ks = [k for k in ks if 2 <= k < X.shape[0]]
    sil = []
    for k in ks:
        lab = labels_at(k)
        sil.append(float(silhouette_score(dist, lab, metric="precomputed")) if len(set(lab)) > 1 else float("nan"))
    return pd.DataFrame({"k": ks, "silhouette": sil})


def best_k(silhouettes: pd.DataFrame, n: int) -> int:
    """The k with the best silhouette in a :func:`silhouette_by_k` frame (2 when it is empty)."""
    if silhouettes.empty or silhouettes.silhouette.isna().all():
        return max(1, min(2, n))
    return int(silhouettes.loc[silhouettes.silhouette.idxmax(), "k"])


def choose_k(X, ks=K_RANGE, seed: int = 0) -> int:
    """The k with the best silhouette in ``ks``."""
    return best_k(silhouette_by_k(X, ks, seed), X.shape[0])


def cluster_sections(section_ids: list[str], term_lists: list[list[str]], k: int | None = None, min_df: int = 2,
                     seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster sections by their TF-IDF vectors.

    Args:
        section_ids: the sections to cluster.
        term_lists: their content terms, in the same order.
        k: number of clusters; chosen by silhouette over ``K_RANGE`` when None.
        min_df: a term must occur in at least this many sections.
        seed: random seed (MiniBatchKMeans and the silhouette sample).

    Returns:
        ``section_clusters`` and ``cluster_terms`` tables.
    """
    return cluster_counts(section_ids, *count_matrix(term_lists), k=k, min_df=min_df, seed=seed)


def cluster_counts(section_ids: list[str], counts: sp.csr_matrix, vocab: np.ndarray, k: int | None = None,
                   min_df: int = 2, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`cluster_sections` on a sections x terms count matrix (see :func:`count_matrix`)."""
    X, _ = tfidf(counts, min_df=min_df)
    small = 2 <= X.shape[0] <= AGGLOMERATIVE_MAX
    tree = _tree(X) if small else None  # one tree serves the k sweep and the final cut
    if not k:
        k = best_k(silhouette_by_k(X, seed=seed, tree=tree), X.shape[0])
    k = max(1, min(k, X.shape[0]))
    labels = _labels(X, k, seed, tree) if k > 1 and X.shape[1] else np.zeros(X.shape[0], int)
    # every section against its cluster's (unit-length) mean
    clusters, inverse = np.unique(labels, return_inverse=True)
    centres = (group_counts(inverse, len(clusters), X) / np.bincount(inverse)[:, None]).toarray()
    norms = np.linalg.norm(centres, axis=1)
    centres /= np.where(norms > 0, norms, 1.0)[:, None]
    centroid_sim = np.asarray(X @ centres.T)[np.arange(X.shape[0]), inverse]
    terms = _cluster_terms(labels, counts, vocab)
    top = terms[terms["rank"] <= 3].groupby("cluster_id").term.agg("·".join)
    sc = pd.DataFrame({"section_id": section_ids, "cluster_id": labels.astype(int), "cluster_label": top.reindex(labels, fill_value="").to_numpy(),
                       "similarity_to_centroid": centroid_sim.round(4), "k": k, "min_df": min_df, "seed": seed})
    return validate(sc, "section_clusters"), validate(terms, "cluster_terms")


def _top_per_group(group: np.ndarray, score: np.ndarray, col: np.ndarray, n_groups: int, top: int) -> tuple[np.ndarray, np.ndarray]:
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
    G = sp.csr_matrix((np.ones(len(group), dtype=np.int64), (group, np.arange(len(group)))), shape=(n_groups, len(group)))
    return (G @ counts).tocsr()


def cluster_terms(labels: np.ndarray, term_lists: list[list[str]], top_n: int = 15) -> pd.DataFrame:
    """Class-based TF-IDF: each cluster's sections joined into one document.

    weight(t, c) = tf(t, c) / |c| * log(1 + A / f(t)), where |c| is the number of terms in
    cluster c, A the average number of terms per cluster and f(t) the frequency of t in all
    clusters.
    """
    return _cluster_terms(np.asarray(labels), *count_matrix(term_lists), top_n=top_n)


def _cluster_terms(labels: np.ndarray, counts: sp.csr_matrix, vocab: np.ndarray, top_n: int = 15) -> pd.DataFrame:
    """:func:`cluster_terms` on a count matrix whose vocabulary is sorted (ties go by term)."""
    cols = ["cluster_id", "term", "weight", "rank", "count"]
    if not len(labels):
        return pd.DataFrame(columns=cols)
    clusters, inverse = np.unique(labels, return_inverse=True)
    M = group_counts(inverse, len(clusters), counts)
    total = np.asarray(M.sum(axis=0)).ravel().astype(float)
    sizes = np.asarray(M.sum(axis=1)).ravel().astype(float)
    avg = sizes.mean()
    group = np.repeat(np.arange(len(clusters)), np.diff(M.indptr))
    idx, n = M.indices, M.data
    w = n / np.where(sizes > 0, sizes, 1.0)[group] * np.log(1 + avg / total[idx])
    top, rank = _top_per_group(group, w, idx, len(clusters), top_n)
    return pd.DataFrame({"cluster_id": clusters[group[top]].astype(int), "term": vocab[idx[top]],
                         "weight": [round(float(x), 6) for x in w[top]], "rank": rank, "count": n[top].astype(int)},
                        columns=cols)


def agreement(labels_true, labels_pred) -> dict[str, float]:
    """Agreement of a clustering with a labelling: ARI, V-measure, homogeneity."""
    from sklearn.metrics import adjusted_rand_score, homogeneity_score, v_measure_score

    return dict(ari=adjusted_rand_score(labels_true, labels_pred), v_measure=v_measure_score(labels_true, labels_pred),
                homogeneity=homogeneity_score(labels_true, labels_pred))


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
_SIMILARITY_BLOCK = 1024
#: Document vectors share most of their vocabulary, so a dense BLAS product is many times
#: faster than a sparse one (0.7 s against 12 s for 4,000 synthetic documents); it is used
#: while the dense documents x terms matrix fits in this many bytes.
_DENSE_MAX_BYTES = 256 * 2**20


def similarity_counts(doc_ids: list[str], counts: sp.csr_matrix) -> pd.DataFrame:
    """:func:`doc_similarity` on a documents x terms count matrix."""
    X, _ = tfidf(counts, min_df=1, max_df=1.0)
    n = len(doc_ids)
    Y = X.toarray() if X.shape[0] * X.shape[1] * 8 <= _DENSE_MAX_BYTES else None

    def rows(lo: int, hi: int) -> np.ndarray:
        return Y[lo:hi] @ Y.T if Y is not None else (X[lo:hi] @ X.T).toarray()

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
            best, _ = _top_per_group(r, v, c, len(S), SIMILAR_TOP + 1)
            a_idx.append(lo + r[best])
            b_idx.append(c[best])
            sims.append(v[best])
    ids = np.asarray(doc_ids, dtype=object)
    a, b, sim = np.concatenate(a_idx), np.concatenate(b_idx), np.round(np.concatenate(sims), 6)
    return validate(pd.DataFrame({"doc_a": ids[a], "doc_b": ids[b], "similarity": sim}), "doc_similarity")


def log_odds_dirichlet(counts_a: pd.Series, counts_b: pd.Series, prior: pd.Series, prior_total: float | None = None) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

    For each term w with counts y_a, y_b in the two groups (totals n_a, n_b) and prior
    counts alpha_w (summing to alpha_0)::

        delta_w = log((y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w))
                - log((y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w))
        var_w   = 1 / (y_a + alpha_w) + 1 / (y_b + alpha_w)
        z_w     = delta_w / sqrt(var_w)

    Args:
        counts_a, counts_b: term counts of the group and of the rest (indexed by term).
        prior: prior counts alpha_w by term (usually the whole corpus's counts, scaled).
        prior_total: alpha_0; the sum of ``prior`` by default.
    """
    terms = prior.index
    ya = counts_a.reindex(terms, fill_value=0).astype(float)
    yb = counts_b.reindex(terms, fill_value=0).astype(float)
    a = prior.astype(float)
    a0 = float(a.sum()) if prior_total is None else prior_total
    na, nb = ya.sum(), yb.sum()
    delta = np.log((ya + a) / (na + a0 - ya - a)) - np.log((yb + a) / (nb + a0 - yb - a))
    var = 1.0 / (ya + a) + 1.0 / (yb + a)
    return pd.DataFrame({"term": terms, "log_odds": delta.to_numpy(), "z": (delta / np.sqrt(var)).to_numpy(),
                         "count_group": ya.to_numpy().astype(int), "count_rest": yb.to_numpy().astype(int)})


def distinctive_terms(groups: dict[str, list[str]], top_n: int = 20, prior_scale: float = 0.1, min_count: int = 2) -> pd.DataFrame:
    """Terms most distinctive of each group (a document, or a set of documents) against the rest.

    The same computation as :func:`log_odds_dirichlet` for every group at once, on a sparse
    group x term count matrix (only a group's own terms can be its most distinctive).

    Args:
        groups: group -> its content terms.
        top_n: terms kept per group, highest z first.
        prior_scale: alpha_0 as a share of the corpus size (the prior is the corpus's own
            term distribution scaled to that total).
        min_count: a term must occur at least this often in the group.
    """
    names = list(groups)
    return distinctive_counts(names, *count_matrix([groups[g] for g in names]), top_n=top_n, prior_scale=prior_scale,
                              min_count=min_count)


def distinctive_counts(names: list[str], counts: sp.csr_matrix, vocab: np.ndarray, top_n: int = 20,
                       prior_scale: float = 0.1, min_count: int = 2) -> pd.DataFrame:
    """:func:`distinctive_terms` on a groups x terms count matrix, its vocabulary sorted (as
    :func:`count_matrix` makes it, so that a column's index orders terms as their text does)."""
    cols = ["group", "term", "log_odds", "z", "count_group", "count_rest", "rank"]
    C = counts.tocsr()
    if not names or not C.nnz:
        return validate(pd.DataFrame(columns=cols), "distinctive_terms")
    corpus = np.asarray(C.sum(axis=0)).ravel().astype(float)
    total = corpus.sum()
    a0 = max(prior_scale * total, 1.0)
    sizes = np.asarray(C.sum(axis=1)).ravel().astype(float)
    # every (group, term) count at once
    group = np.repeat(np.arange(C.shape[0]), np.diff(C.indptr))
    keep = C.data >= min_count
    group, idx, ya = group[keep], C.indices[keep], C.data[keep].astype(float)
    yb, a = corpus[idx] - ya, corpus[idx] / total * a0
    na = sizes[group]
    nb = total - na
    delta = np.log((ya + a) / (na + a0 - ya - a)) - np.log((yb + a) / (nb + a0 - yb - a))
    z = delta / np.sqrt(1.0 / (ya + a) + 1.0 / (yb + a))
    top, rank = _top_per_group(group, z, idx, C.shape[0], top_n)
    out = pd.DataFrame({"group": np.asarray(names, dtype=object)[group[top]], "term": vocab[idx[top]], "log_odds": delta[top],
                        "z": z[top], "count_group": ya[top].astype(int), "count_rest": yb[top].astype(int), "rank": rank})
    return validate(out, "distinctive_terms")

"""TF-IDF clusters of sections: the k sweep by silhouette, the cut, class-based TF-IDF terms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.corpus.matrix import count_matrix, group_counts, tfidf, top_per_group
from analysis.params import Interval, validate_params
from analysis.schema import validate

__all__ = [
    "AGGLOMERATIVE_MAX",
    "K_RANGE",
    "silhouette_by_k",
    "best_k",
    "cluster_sections",
    "cluster_counts",
    "cluster_terms",
    "agreement",
]

#: Above this many sections, clustering switches from agglomerative (cosine, average
#: linkage, O(n^2) memory) to MiniBatchKMeans on L2-normalised TF-IDF, and the silhouette
#: is computed on a sample of this size.
AGGLOMERATIVE_MAX = 4000
#: k is chosen by silhouette within this band around the codebook's 18 themes.
K_RANGE = range(8, 25)


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


@validate_params(k=[Interval(1, None, integer=True), None], min_df=[Interval(1, None, integer=True)])
def cluster_sections(
    section_ids: list[str], term_lists: list[list[str]], k: int | None = None, min_df: int = 2, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def cluster_counts(
    section_ids: list[str],
    counts: sp.csr_matrix,
    vocab: np.ndarray,
    k: int | None = None,
    min_df: int = 2,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    sc = pd.DataFrame(
        {
            "section_id": section_ids,
            "cluster_id": labels.astype(int),
            "cluster_label": top.reindex(labels, fill_value="").to_numpy(),
            "similarity_to_centroid": centroid_sim.round(4),
            "k": k,
            "min_df": min_df,
            "seed": seed,
        }
    )
    return validate(sc, "section_clusters"), validate(terms, "cluster_terms")


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
    top, rank = top_per_group(group, w, idx, len(clusters), top_n)
    return pd.DataFrame(
        {
            "cluster_id": clusters[group[top]].astype(int),
            "term": vocab[idx[top]],
            "weight": [round(float(x), 6) for x in w[top]],
            "rank": rank,
            "count": n[top].astype(int),
        },
        columns=cols,
    )


def agreement(labels_true, labels_pred) -> dict[str, float]:
    """Agreement of a clustering with a labelling: ARI, V-measure, homogeneity."""
    from sklearn.metrics import adjusted_rand_score, homogeneity_score, v_measure_score

    return dict(
        ari=adjusted_rand_score(labels_true, labels_pred),
        v_measure=v_measure_score(labels_true, labels_pred),
        homogeneity=homogeneity_score(labels_true, labels_pred),
    )

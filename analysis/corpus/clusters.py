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
    "K_SAMPLE",
    "GIANT_FACTOR",
    "LSA_DIMS",
    "silhouette_by_k",
    "best_k",
    "balance",
    "cluster_sections",
    "cluster_counts",
    "cluster_terms",
    "agreement",
]

#: Above this many sections, clustering switches from agglomerative (Ward, O(n^2) memory) to
#: MiniBatchKMeans, and the silhouette is computed on a sample of this size.
AGGLOMERATIVE_MAX = 4000
#: Above AGGLOMERATIVE_MAX sections, k is judged on a seeded sample of this many. The
#: silhouette sweep costs the square of the sample: at 4,000 it was 2.8 s of the 5.2 s corpus
#: stage of 2,000 documents; 2,000 sections still hold about a hundred per cluster at k = 24.
K_SAMPLE = 2000
#: k is chosen by silhouette within this band around the codebook's 18 themes.
K_RANGE = range(8, 25)
#: Dimensions of the LSA space the sections are clustered in (TruncatedSVD of the TF-IDF).
LSA_DIMS = 100
#: The balance a clustering must keep (see :func:`balance`): no cluster holds more than this
#: many times its fair share (1/k of the sections), and no cluster is a single section.
GIANT_FACTOR = 3.0


#: Sections projected into the LSA space at a time above AGGLOMERATIVE_MAX.
_EMBED_BLOCK = 20000


def _embed(X, seed: int) -> np.ndarray:
    """Sections as unit vectors in an LSA space: TruncatedSVD of the TF-IDF rows, re-normalised.

    Average linkage on raw TF-IDF cosine chains: on 883 sections of 46 work reports it put 98 %
    of them in one cluster and left four clusters of one section. Ward on LSA vectors (the
    usual pairing for text) gives clusters of comparable size and agrees better with the
    codebook; the SVD's random_state is the clustering seed.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    dims = min(LSA_DIMS, X.shape[1] - 1, X.shape[0] - 1)
    if dims < 2:
        return normalize(X.toarray())
    svd = TruncatedSVD(dims, random_state=seed)
    if X.shape[0] <= AGGLOMERATIVE_MAX:
        return normalize(svd.fit_transform(X))
    # the space is learnt from a seeded sample (4.6 s -> 0.4 s at 60,000 sections) and every
    # section projected into it
    idx = np.sort(np.random.default_rng(seed).choice(X.shape[0], AGGLOMERATIVE_MAX, replace=False))
    svd.fit(X[idx])
    # float32, filled block by block and normalised in place: 300,000 sections x 100
    # dimensions take 120 MB, where a float64 projection, its float32 copy and the normalised
    # copy held 480 MB at once
    Z = np.empty((X.shape[0], svd.components_.shape[0]), dtype=np.float32)
    for lo in range(0, X.shape[0], _EMBED_BLOCK):
        Z[lo : lo + _EMBED_BLOCK] = svd.transform(X[lo : lo + _EMBED_BLOCK])
    return normalize(Z, copy=False)


def _tree(Z: np.ndarray) -> np.ndarray:
    """Ward tree on the LSA vectors (Euclidean distance between unit vectors ~ cosine)."""
    from scipy.cluster.hierarchy import linkage

    return linkage(Z, method="ward")


def _cut(tree: np.ndarray, k: int) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, t=k, criterion="maxclust") - 1


def _labels(Z: np.ndarray, k: int, seed: int, tree: np.ndarray | None = None) -> np.ndarray:
    """Ward clustering up to AGGLOMERATIVE_MAX sections (one tree, cut at k clusters); above
    it, MiniBatchKMeans on the same vectors."""
    from sklearn.cluster import MiniBatchKMeans

    if Z.shape[0] <= AGGLOMERATIVE_MAX:
        return _cut(tree if tree is not None else _tree(Z), k)
    return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit_predict(Z)


def silhouette_by_k(X, ks=K_RANGE, seed: int = 0, tree: np.ndarray | None = None, Z=None) -> pd.DataFrame:
    """Silhouette of the clustering at each k, in the LSA space it is made in: columns k, silhouette.

    Above ``AGGLOMERATIVE_MAX`` sections, k is judged on a seeded random sample of
    ``K_SAMPLE`` sections (Ward on the sample), so choosing k costs the same at any size.
    """
    from sklearn.metrics import pairwise_distances, silhouette_score

    Z = _embed(X, seed) if Z is None else Z
    if Z.shape[0] > AGGLOMERATIVE_MAX:
        # k is judged on a sample, by cuts of one Ward tree (17 MiniBatchKMeans fits took
        # three times as long and judged the same thing less steadily)
        idx = np.random.default_rng(seed).choice(Z.shape[0], K_SAMPLE, replace=False)
        Z, tree = Z[np.sort(idx)], None
    tree = tree if tree is not None else (_tree(Z) if Z.shape[0] >= 2 else None)

    def labels_at(k: int) -> np.ndarray:
        return _cut(tree, k)

    ks = [k for k in ks if 2 <= k < Z.shape[0]]
    dist = pairwise_distances(Z) if ks else None  # once for every k
    sil = []
    for k in ks:
        lab = labels_at(k)
        sil.append(float(silhouette_score(dist, lab, metric="precomputed")) if len(set(lab)) > 1 else float("nan"))
    return pd.DataFrame({"k": ks, "silhouette": sil})


def balance(cluster_ids) -> dict[str, float]:
    """How even a clustering is: the largest cluster's share of the sections, the number of
    clusters of one section, and whether it meets the criterion (largest at most
    ``GIANT_FACTOR`` / k, none of one section)."""
    sizes = np.bincount(np.unique(np.asarray(cluster_ids), return_inverse=True)[1])
    largest = float(sizes.max() / sizes.sum()) if sizes.size else 0.0
    singletons = int((sizes == 1).sum())
    max_share = min(1.0, GIANT_FACTOR / max(len(sizes), 1))
    return dict(
        k=len(sizes),
        largest=largest,
        singletons=singletons,
        max_share=max_share,
        balanced=largest <= max_share and singletons == 0,
    )


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
    Z = _embed(X, seed) if X.shape[0] >= 2 and X.shape[1] else None
    tree = _tree(Z) if Z is not None and Z.shape[0] <= AGGLOMERATIVE_MAX else None  # serves the sweep and the cut
    if not k:
        k = best_k(silhouette_by_k(X, seed=seed, tree=tree, Z=Z), X.shape[0]) if Z is not None else 1
    k = max(1, min(k, X.shape[0]))
    labels = _labels(Z, k, seed, tree) if k > 1 and Z is not None else np.zeros(X.shape[0], int)
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

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

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, homogeneity_score, silhouette_score, v_measure_score
from sklearn.metrics.pairwise import cosine_similarity

from . import resources
from .schema import validate
from .segment import cut

__all__ = [
    "stopwords", "content_terms", "tokenize", "section_matrix", "best_k", "choose_k", "cluster_sections", "cluster_terms",
    "silhouette_by_k", "agreement", "doc_similarity", "log_odds_dirichlet", "distinctive_terms", "AGGLOMERATIVE_MAX",
    "K_RANGE",
]

#: Above this many sections, clustering switches from agglomerative (cosine, average
#: linkage, O(n^2) memory) to MiniBatchKMeans on L2-normalised TF-IDF, and the silhouette
#: is computed on a sample of this size.
AGGLOMERATIVE_MAX = 4000
#: k is chosen by silhouette within this band around the codebook's 18 themes.
K_RANGE = range(8, 25)
_CJK = re.compile(r"[\u4e00-\u9fff]")


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
    return [t for t in tokens if _is_term(t)]


def tokenize(text: str) -> list[str]:
    """The tokenizer plugged into TfidfVectorizer for raw text: jieba, then content_terms."""
    return content_terms(cut(text))


def _identity(x):
    return x


def section_matrix(term_lists: list[list[str]], min_df: int = 2, max_df: float = 0.5):
    """TF-IDF over sections (sublinear tf, L2 rows).

    ``term_lists`` are already-filtered terms, so the vectorizer's tokenizer is the identity;
    for raw text use ``TfidfVectorizer(tokenizer=tokenize, token_pattern=None)``.
    """
    n = len(term_lists)
    vec = TfidfVectorizer(tokenizer=_identity, preprocessor=_identity, lowercase=False, token_pattern=None,
                          min_df=min(min_df, max(n, 1)), max_df=max_df if n > 10 else 1.0, sublinear_tf=True)
    X = vec.fit_transform(term_lists)
    return X, vec


def _labels(X, k: int, seed: int) -> np.ndarray:
    if X.shape[0] <= AGGLOMERATIVE_MAX:
        dist = np.clip(1.0 - (X @ X.T).toarray(), 0.0, 2.0)
        return AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage="average").fit_predict(dist)
    return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit_predict(X)


def _silhouette(X, labels: np.ndarray, seed: int) -> float:
    if len(set(labels)) < 2:
        return float("nan")
    size = min(X.shape[0], AGGLOMERATIVE_MAX)
    return float(silhouette_score(X, labels, metric="cosine", sample_size=size, random_state=seed))


def silhouette_by_k(X, ks=K_RANGE, seed: int = 0) -> pd.DataFrame:
    """Silhouette (cosine) of the clustering at each k: columns k, silhouette."""
    ks = [k for k in ks if 2 <= k < X.shape[0]]
    return pd.DataFrame({"k": ks, "silhouette": [_silhouette(X, _labels(X, k, seed), seed) for k in ks]})


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
    X, vec = section_matrix(term_lists, min_df=min_df)
    k = k or choose_k(X, seed=seed)
    k = max(1, min(k, X.shape[0]))
    labels = _labels(X, k, seed) if k > 1 else np.zeros(X.shape[0], int)
    centroid_sim = np.zeros(X.shape[0])
    for c in set(labels):
        idx = np.flatnonzero(labels == c)
        centre = np.asarray(X[idx].mean(axis=0))
        norm = np.linalg.norm(centre) or 1.0
        centroid_sim[idx] = np.asarray(X[idx] @ (centre.ravel() / norm)).ravel()
    terms = cluster_terms(labels, term_lists)
    top = terms[terms["rank"] <= 3].groupby("cluster_id").term.agg("·".join)
    sc = pd.DataFrame({"section_id": section_ids, "cluster_id": labels.astype(int), "cluster_label": [top.get(c, "") for c in labels],
                       "similarity_to_centroid": centroid_sim.round(4), "k": k, "min_df": min_df, "seed": seed})
    return validate(sc, "section_clusters"), validate(terms, "cluster_terms")


def cluster_terms(labels: np.ndarray, term_lists: list[list[str]], top_n: int = 15) -> pd.DataFrame:
    """Class-based TF-IDF: each cluster's sections joined into one document.

    weight(t, c) = tf(t, c) / |c| * log(1 + A / f(t)), where |c| is the number of terms in
    cluster c, A the average number of terms per cluster and f(t) the frequency of t in all
    clusters.
    """
    counts: dict[int, dict[str, int]] = {}
    for lab, terms in zip(labels, term_lists):
        d = counts.setdefault(int(lab), {})
        for t in terms:
            d[t] = d.get(t, 0) + 1
    total = {}
    for d in counts.values():
        for t, n in d.items():
            total[t] = total.get(t, 0) + n
    avg = np.mean([sum(d.values()) for d in counts.values()]) if counts else 0.0
    rows = []
    for c, d in sorted(counts.items()):
        size = sum(d.values()) or 1
        w = {t: n / size * np.log(1 + avg / total[t]) for t, n in d.items()}
        for rank, (t, x) in enumerate(sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n], start=1):
            rows.append(dict(cluster_id=c, term=t, weight=round(float(x), 6), rank=rank, count=d[t]))
    return pd.DataFrame(rows, columns=["cluster_id", "term", "weight", "rank", "count"])


def agreement(labels_true, labels_pred) -> dict[str, float]:
    """Agreement of a clustering with a labelling: ARI, V-measure, homogeneity."""
    return dict(ari=adjusted_rand_score(labels_true, labels_pred), v_measure=v_measure_score(labels_true, labels_pred),
                homogeneity=homogeneity_score(labels_true, labels_pred))


def doc_similarity(doc_ids: list[str], term_lists: list[list[str]]) -> pd.DataFrame:
    """Cosine similarity of documents' TF-IDF vectors, long format (every ordered pair)."""
    X, _ = section_matrix(term_lists, min_df=1, max_df=1.0)
    sim = cosine_similarity(X)
    rows = [dict(doc_a=a, doc_b=b, similarity=float(round(sim[i, j], 6))) for i, a in enumerate(doc_ids) for j, b in enumerate(doc_ids)]
    return validate(pd.DataFrame(rows, columns=["doc_a", "doc_b", "similarity"]), "doc_similarity")


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

    Args:
        groups: group -> its content terms.
        top_n: terms kept per group, highest z first.
        prior_scale: alpha_0 as a share of the corpus size (the prior is the corpus's own
            term distribution scaled to that total).
        min_count: a term must occur at least this often in the group.
    """
    corpus = pd.Series([t for ts in groups.values() for t in ts]).value_counts()
    prior = corpus / corpus.sum() * max(prior_scale * corpus.sum(), 1.0)
    rows = []
    for g, terms in groups.items():
        ca = pd.Series(terms, dtype=object).value_counts()
        lo = log_odds_dirichlet(ca, corpus.sub(ca, fill_value=0), prior)
        lo = lo[lo.count_group >= min_count].sort_values(["z", "term"], ascending=[False, True]).head(top_n)
        rows.append(lo.assign(group=g, rank=range(1, len(lo) + 1)))
    cols = ["group", "term", "log_odds", "z", "count_group", "count_rest", "rank"]
    out = pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)
    return validate(out, "distinctive_terms")

"""Terms most distinctive of a document or group: log-odds with an informative Dirichlet prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.corpus.matrix import count_matrix, top_per_group
from analysis.params import Interval, validate_params
from analysis.schema import validate

__all__ = ["log_odds_dirichlet", "distinctive_terms", "distinctive_counts"]


def log_odds_dirichlet(
    counts_a: pd.Series, counts_b: pd.Series, prior: pd.Series, prior_total: float | None = None
) -> pd.DataFrame:
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
    return pd.DataFrame(
        {
            "term": terms,
            "log_odds": delta.to_numpy(),
            "z": (delta / np.sqrt(var)).to_numpy(),
            "count_group": ya.to_numpy().astype(int),
            "count_rest": yb.to_numpy().astype(int),
        }
    )


@validate_params(top_n=[Interval(1, None, integer=True)], prior_scale=[Interval(0, None, closed="neither")])
def distinctive_terms(
    groups: dict[str, list[str]], top_n: int = 20, prior_scale: float = 0.1, min_count: int = 2
) -> pd.DataFrame:
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
    return distinctive_counts(
        names, *count_matrix([groups[g] for g in names]), top_n=top_n, prior_scale=prior_scale, min_count=min_count
    )


def distinctive_counts(
    names: list[str],
    counts: sp.csr_matrix,
    vocab: np.ndarray,
    top_n: int = 20,
    prior_scale: float = 0.1,
    min_count: int = 2,
) -> pd.DataFrame:
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
    top, rank = top_per_group(group, z, idx, C.shape[0], top_n)
    out = pd.DataFrame(
        {
            "group": np.asarray(names, dtype=object)[group[top]],
            "term": vocab[idx[top]],
            "log_odds": delta[top],
            "z": z[top],
            "count_group": ya[top].astype(int),
            "count_rest": yb[top].astype(int),
            "rank": rank,
        }
    )
    return validate(out, "distinctive_terms")

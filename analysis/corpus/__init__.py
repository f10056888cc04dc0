"""Corpus stage: what is computed across documents, from every section's terms.

Module map:

- :mod:`~analysis.corpus.segment`: jieba with the civil-affairs user dictionary;
- :mod:`~analysis.corpus.vocab`: what a term is (content terms);
- :mod:`~analysis.corpus.matrix`: count matrices, TF-IDF;
- :mod:`~analysis.corpus.clusters`: TF-IDF clusters of sections, k by silhouette;
- :mod:`~analysis.corpus.similarity`: cosine similarity of documents;
- :mod:`~analysis.corpus.distinctive`: log-odds distinctive terms;
- :mod:`~analysis.corpus.analyze`: the build's corpus stage (all of the above, from counts).

The public functions of vocab, clusters, similarity and distinctive are re-exported here.
"""

# The names below are loaded on first use (PEP 562), so that importing one module of the
# package (the segmenter, for a single-file command) does not import scikit-learn's
# neighbours, scipy and pandas with it.
_HOME = {
    **dict.fromkeys(
        ["AGGLOMERATIVE_MAX", "K_RANGE", "K_SAMPLE", "agreement", "best_k", "cluster_counts", "cluster_sections",
         "cluster_terms", "silhouette_by_k", "balance", "GIANT_FACTOR", "LSA_DIMS"],
        "clusters",
    ),
    **dict.fromkeys(["distinctive_counts", "distinctive_terms", "log_odds_dirichlet"], "distinctive"),
    **dict.fromkeys(["SIMILAR_TOP", "SIMILARITY_ALL_PAIRS_MAX", "doc_similarity", "similarity_counts"], "similarity"),
    **dict.fromkeys(["content_terms", "stopwords", "tokenize"], "vocab"),
    **dict.fromkeys(["count_matrix", "group_counts", "section_matrix", "tfidf"], "matrix"),
}  # fmt: skip

__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f"analysis.corpus.{_HOME[name]}"), name)
    raise AttributeError(f"module 'analysis.corpus' has no attribute {name!r}")

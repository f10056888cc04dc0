"""Corpus stage: what is computed across documents, from every section's terms.

Module map:

- :mod:`~analysis.corpus.segment`: jieba with the civil-affairs user dictionary;
- :mod:`~analysis.corpus.vocab`: content terms, count matrices, TF-IDF;
- :mod:`~analysis.corpus.clusters`: TF-IDF clusters of sections, k by silhouette;
- :mod:`~analysis.corpus.similarity`: cosine similarity of documents;
- :mod:`~analysis.corpus.distinctive`: log-odds distinctive terms;
- :mod:`~analysis.corpus.analyze`: the build's corpus stage (all of the above, from counts).

The public functions of vocab, clusters, similarity and distinctive are re-exported here.
"""

from analysis.corpus.clusters import (
    AGGLOMERATIVE_MAX,
    K_RANGE,
    agreement,
    best_k,
    cluster_counts,
    cluster_sections,
    cluster_terms,
    silhouette_by_k,
)
from analysis.corpus.distinctive import distinctive_counts, distinctive_terms, log_odds_dirichlet
from analysis.corpus.similarity import SIMILAR_TOP, SIMILARITY_ALL_PAIRS_MAX, doc_similarity, similarity_counts
from analysis.corpus.vocab import content_terms, count_matrix, group_counts, section_matrix, stopwords, tfidf, tokenize

__all__ = [
    "AGGLOMERATIVE_MAX",
    "K_RANGE",
    "SIMILAR_TOP",
    "SIMILARITY_ALL_PAIRS_MAX",
    "agreement",
    "best_k",
    "cluster_counts",
    "cluster_sections",
    "cluster_terms",
    "content_terms",
    "count_matrix",
    "distinctive_counts",
    "distinctive_terms",
    "doc_similarity",
    "group_counts",
    "log_odds_dirichlet",
    "section_matrix",
    "silhouette_by_k",
    "similarity_counts",
    "stopwords",
    "tfidf",
    "tokenize",
]

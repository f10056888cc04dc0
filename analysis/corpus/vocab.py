"""What a term is: the tokens every corpus-level computation counts (kept light: the
per-document stage imports it; the matrices are in :mod:`analysis.corpus.matrix`).

Tokens are jieba's (precise mode, civil-affairs user dictionary, :mod:`analysis.corpus.segment`),
filtered by :func:`content_terms`: a term has a Chinese character, two characters or more, is
not in ``resources/stopwords.txt`` (which also holds the boilerplate political formulas) and is
not a number (``resources/term_filters.tsv``).
"""

from __future__ import annotations

import functools
import re

from analysis import resources
from analysis.zh import CJK

__all__ = ["stopwords", "content_terms", "tokenize"]


@functools.lru_cache(maxsize=None)
def stopwords() -> frozenset[str]:
    return frozenset(resources.lines("stopwords.txt"))


@functools.lru_cache(maxsize=None)
def _not_terms() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{rx})" for _, rx in resources.rows("term_filters.tsv")))


@functools.lru_cache(maxsize=200_000)
def _is_term(t: str) -> bool:
    return len(t) > 1 and CJK.search(t) is not None and t not in stopwords() and not _not_terms().fullmatch(t)


def content_terms(tokens: list[str]) -> list[str]:
    """Keep the tokens that say what a plan does (see the module docstring)."""
    return list(filter(_is_term, tokens))


def tokenize(text: str) -> list[str]:
    """The tokenizer plugged into TfidfVectorizer for raw text: jieba, then content_terms."""
    from analysis.corpus.segment import cut  # jieba: see analysis.result

    return content_terms(cut(text))

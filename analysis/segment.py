"""Word segmentation: jieba in precise mode with the civil-affairs user dictionary.

One :class:`jieba.Tokenizer` per process, loaded with ``resources/userdict.txt`` and every
keyword of the theme codebook, so multi-character terms (居家养老, 三社联动) stay whole.
"""

from __future__ import annotations

import bisect
import functools
import logging
import tomllib
from itertools import accumulate, filterfalse

import jieba

from . import resources

__all__ = ["tokenizer", "cut", "cut_spans", "codebook", "user_words"]

jieba.setLogLevel(logging.WARNING)


@functools.lru_cache(maxsize=None)
def codebook() -> dict:
    """The parsed ``codebook.toml``."""
    with resources.path("codebook.toml").open("rb") as fh:
        return tomllib.load(fh)


def user_words() -> list[str]:
    """The user dictionary: civil-affairs terms plus the codebook's keywords."""
    words = list(resources.lines("userdict.txt"))
    for theme in codebook()["theme"]:
        words.extend(theme["keywords"])
    return sorted(set(words))


@functools.lru_cache(maxsize=None)
def tokenizer() -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    for w in user_words():
        tk.add_word(w)
    return tk


def cut(text: str) -> list[str]:
    """jieba precise mode (HMM on for unknown words), with the user dictionary."""
    return tokenizer().lcut(text)


def cut_spans(text: str, spans: list[tuple[int, int]]) -> list[list[str]]:
    """Segment ``text`` once and give each ``(start, end)`` span the tokens that start in it.

    Spans must start on token boundaries (sections start at line starts, and jieba always
    splits at a newline), so the tokens of a span are exactly those of its text.
    """
    tokens = tokenizer().lcut(text)
    starts = list(accumulate(map(len, tokens), initial=0))
    out = []
    for a, b in spans:
        i, j = bisect.bisect_left(starts, a, 0, len(tokens)), bisect.bisect_left(starts, b, 0, len(tokens))
        out.append(list(filterfalse(str.isspace, tokens[i:j])))
    return out

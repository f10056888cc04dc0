"""Loaders for the data files in ``analysis/resources``.

Every pattern, keyword and stopword the pipeline uses lives in a file there; this module only
reads them (``#`` starts a comment line, fields are tab-separated) and caches the result.
"""

from __future__ import annotations

import functools
import re
from importlib import resources as _ires
from pathlib import Path

__all__ = ["path", "rows", "lines", "NUM", "numbering_styles"]

#: Chinese numeral characters used in outline labels; substituted for ``NUM`` in patterns.
NUM = "[一二三四五六七八九十百千零〇]+"


def path(name: str) -> Path:
    """Absolute path of a resource file."""
    return Path(str(_ires.files("analysis").joinpath("resources").joinpath(name)))


@functools.lru_cache(maxsize=None)
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Tab-separated rows of a resource file, comments and blank lines skipped."""
    out = []
    for raw in path(name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        out.append(tuple(f.strip() for f in raw.split("\t")))
    return tuple(out)


def lines(name: str) -> tuple[str, ...]:
    """First field of each row: for one-item-per-line files (stopwords, dictionaries)."""
    return tuple(r[0] for r in rows(name))


@functools.lru_cache(maxsize=None)
def alternation(name: str) -> re.Pattern[str]:
    """One compiled regex matching any line of a file of regexes, in file order."""
    return re.compile("|".join(f"(?:{r})" for r in lines(name)))


@functools.lru_cache(maxsize=None)
def numbering_styles() -> tuple[tuple[str, str, str, re.Pattern[str]], ...]:
    """``(style, variant, role, compiled regex)`` from ``numbering.tsv`` in file order."""
    return tuple(
        (style, variant, role, re.compile(rx.replace("NUM", NUM))) for style, variant, role, rx in rows("numbering.tsv")
    )

"""What readers see instead of codes: column headers, coded values and the notebooks' text.

The tables keep their column names and codes (``kind = target``); reports, workbooks and
briefings show them in the reader's language (``类型 = 目标``). The words live in
``resources/column_labels.tsv``, ``resources/value_labels.tsv`` and
``resources/notebook_text.toml``.
"""

from __future__ import annotations

import functools
import tomllib

import pandas as pd

from analysis import resources

__all__ = ["LANGS", "column_labels", "value_labels", "readable", "text"]

#: The languages a reader can ask for; Chinese first, the default.
LANGS = ("zh", "en")


def _check(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r}: expected one of {', '.join(LANGS)}")
    return LANGS.index(lang)


def column_labels(lang: str = "zh") -> dict[str, str]:
    """Column name -> its header in ``lang``."""
    i = _check(lang)
    return {row[0]: row[1 + i] for row in resources.rows("column_labels.tsv")}


def value_labels(lang: str = "zh") -> dict[str, dict[str, str]]:
    """Column -> {code -> how it reads in ``lang``}."""
    i = _check(lang)
    out: dict[str, dict[str, str]] = {}
    for row in resources.rows("value_labels.tsv"):
        out.setdefault(row[0], {})[row[1]] = row[2 + i]
    return out


def readable(df: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A copy of ``df`` with coded values and column headers in ``lang``.

    >>> readable(pd.DataFrame({"kind": ["target"], "value": [3.0]})).columns.tolist()
    ['类型', '数值']
    """
    values = value_labels(lang)
    out = df.copy()
    for col in out.columns:
        if col in values and (out[col].dtype == object or pd.api.types.is_string_dtype(out[col])):
            out[col] = out[col].map(lambda v, m=values[col]: m.get(v, v) if isinstance(v, str) else v)
    return out.rename(columns=column_labels(lang))


@functools.lru_cache(maxsize=None)
def _notebook_text() -> dict:
    with resources.path("notebook_text.toml").open("rb") as f:
        return tomllib.load(f)


def text(key: str, lang: str = "zh", **fields) -> str:
    """The notebooks' text ``<notebook>.<key>`` in ``lang``, with ``{field}`` filled in.

    Raises:
        KeyError: the key is not in ``resources/notebook_text.toml``.
    """
    _check(lang)
    entry = _notebook_text()
    for part in key.split("."):
        entry = entry[part]
    return entry[lang].format(**fields) if fields else entry[lang]

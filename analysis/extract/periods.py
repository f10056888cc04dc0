"""The year a figure refers to (``ref_year``), or the span of a five-year figure (``ref_period``).

A plan's targets are for its own year; a government work report reviews the year before it
and plans its own; a figure may name its year (到2030年, 2025年全省…), or be a five-year
total or average (过去五年, 十四五时期), which is never one year's figure. The cue words are
data (``resources/period_cues.tsv``).
"""

from __future__ import annotations

import functools
import re

from analysis import resources
from analysis.zh import cn_number

__all__ = ["reference", "five_year_span"]

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_PLAN = re.compile(r"十([一二三四五六七八九])五")
#: The genres whose actual figures, unless dated, report the year before the document's.
_REVIEWS_LAST_YEAR = {"government_work_report", "work_report"}


@functools.lru_cache(maxsize=None)
def _cue(role: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{rx})" for r, rx in resources.rows("period_cues.tsv") if r == role))


def five_year_span(text: str, doc_year: int | None) -> str:
    """``'2021-2025'`` for a five-year cue in ``text`` (十四五 → 2021-2025; 过去五年 in a
    2026 report → 2021-2025), ``''`` when there is none."""
    m = _cue("five_year").search(text)
    if not m:
        return ""
    plan = _PLAN.search(m.group(0))
    if plan:
        n = int(cn_number(plan.group(1)) or 0) + 10  # 十四五 -> the 14th plan
        start = 2006 + 5 * (n - 11)
        return f"{start}-{start + 4}"
    return f"{doc_year - 5}-{doc_year - 1}" if doc_year else "five-year"


def reference(
    kind: str, genre: str | None, doc_year: int | None, part_title: str, before: str
) -> tuple[int | None, str]:
    """``(ref_year, ref_period)`` of a figure.

    Args:
        kind: ``target`` or ``actual``.
        genre: the document's genre.
        doc_year: the year the document is for.
        part_title: the heading of the part the figure stands in.
        before: the sentence up to the figure.
    """
    # a year named in the sentence, unless it is the base of a comparison (比2020年)
    bare = _cue("baseline").sub(" ", before)
    years = [int(y) for y in _YEAR.findall(bare)]
    span = five_year_span(before, doc_year)
    if span and not years:
        return None, span
    if years:
        return years[-1], ""
    if _cue("this_year").search(bare):
        return doc_year, ""
    if _cue("last_year").search(bare):  # 比上一年增长 names the base, not the year
        return (doc_year - 1 if doc_year else None), ""
    part_span = five_year_span(part_title, doc_year)
    part_years = [int(y) for y in _YEAR.findall(part_title)]
    if kind == "actual":
        if part_years:  # 2025年工作回顾; “十四五”时期和2025年工作回顾
            return part_years[-1], ""
        if part_span:
            return None, part_span
        if doc_year and genre in _REVIEWS_LAST_YEAR:
            return doc_year - 1, ""
    return doc_year, ""

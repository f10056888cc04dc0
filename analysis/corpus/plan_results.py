"""Plans held against their results: each target of a plan's year, and the result a later
document of the same jurisdiction reports for that year and indicator.

A target links to an *actual* figure of the later document whose ``ref_year`` is the plan's
year, in the same unit family, with the most similar indicator. Not linked, whatever their
wording: the later document's own targets (a report repeats last year's target wording as
its new target), five-year totals and averages (``ref_period``), and comparisons with a
budget (比去年预算). ``met`` follows the target's comparator:

- ``>=`` met when actual ≥ target; ``<=`` when actual ≤ target;
- ``=`` is a level to reach: met when actual ≥ target;
- ``~`` met within ±0.5 percentage points for rates, ±10 % for amounts, in either direction;
- declines (降低4%, 下降1.2%) are compared as the positive numbers they are printed as;
- ``unclear`` when the two indicators share the unit but little of their wording.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.publish.compare import indicator_group, indicator_key
from analysis.schema import TABLES

__all__ = ["link", "plan_results", "LINK_MIN", "CLEAR_MIN"]

#: Indicator similarity (Dice over character bigrams, after generic verbs are dropped) at
#: which a result is linked to a target, and above which the link is clear.
LINK_MIN = 0.5
CLEAR_MIN = 0.65
#: Units that measure the same thing.
_FAMILY = {"%": "rate", "百分点": "rate"}
_BUDGET = re.compile(r"预算")
_RATE_TOLERANCE, _AMOUNT_TOLERANCE = 0.5, 0.10

#: The link columns of the JSON output: those of the table after its ids.
_COLUMNS = TABLES["plan_results"]["columns"][5:]


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two indicators (verbs dropped); 1.0 when
    both fall in the same group of ``indicator_groups.tsv``."""
    ka, kb = indicator_key(a), indicator_key(b)
    if not ka or not kb:
        return 0.0
    if min(len(ka), len(kb)) >= 3 and (ka in kb or kb in ka):
        return max(0.6, 2 * min(len(ka), len(kb)) / (len(ka) + len(kb)))
    x, y = _bigrams(ka), _bigrams(kb)
    return 2 * len(x & y) / (len(x) + len(y))


def _family(unit: str) -> str:
    return _FAMILY.get(unit, unit)


def met(target: float, comparator: str, actual: float, unit: str) -> str:
    """``yes`` or ``no`` by the target's comparator (see the module docstring)."""
    t, a = abs(target), abs(actual)
    if comparator == "<=":
        return "yes" if a <= t else "no"
    if comparator == "~":
        tol = _RATE_TOLERANCE if _family(unit) == "rate" else _AMOUNT_TOLERANCE * t
        return "yes" if abs(a - t) <= tol else "no"
    return "yes" if a >= t else "no"


def link(plan: pd.DataFrame, result: pd.DataFrame, plan_year: int) -> pd.DataFrame:
    """Every target of ``plan`` for ``plan_year`` with the result ``result`` reports for it.

    Args:
        plan: the plan's ``targets`` rows.
        result: the later document's ``targets`` rows.
        plan_year: the plan's year.

    Returns:
        One row per target: the columns of the JSON links plus ``target_id``, ``actual_id``
        and ``indicator_similarity``; the actual columns are null and ``met`` is ``not reported`` where
        the later document reports nothing for it.
    """
    targets = plan[(plan.kind == "target") & (plan.ref_year == plan_year) & (plan.ref_period.fillna("") == "")]
    actuals = result[
        (result.kind == "actual")
        & (result.ref_year == plan_year)
        & (result.ref_period.fillna("") == "")
        & ~result.sentence.fillna("").str.contains(_BUDGET)
    ]
    # candidate pairs, best first; each result serves one target
    pairs = []
    for t in targets.itertuples():
        group = indicator_group(t.indicator, t.unit, t.verb or "")
        for a in actuals.itertuples():
            if _family(a.unit) != _family(t.unit):
                continue
            same_group = group is not None and group == indicator_group(a.indicator, a.unit, a.verb or "")
            sim = 1.0 if same_group else similarity(t.indicator, a.indicator)
            if sim >= LINK_MIN:
                pairs.append((sim, t.target_id, a.target_id))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    chosen, used = {}, set()
    for sim, tid, aid in pairs:
        if tid not in chosen and aid not in used:
            chosen[tid] = (aid, sim)
            used.add(aid)
    by_id = actuals.set_index("target_id")
    rows = []
    for t in targets.itertuples():
        row = {
            "target_id": t.target_id,
            "indicator": t.indicator,
            "target_value": t.value,
            "target_unit": t.unit,
            "target_comparator": t.comparator,
            "target_surface": t.sentence,
            "actual_id": None,
            "actual_value": None,
            "actual_unit": None,
            "actual_surface": None,
            "indicator_similarity": None,
            "met": "not reported",
        }
        if t.target_id in chosen:
            aid, sim = chosen[t.target_id]
            a = by_id.loc[aid]
            row |= {
                "actual_id": aid,
                "actual_value": float(a.value),
                "actual_unit": a.unit,
                "actual_surface": a.sentence,
                "indicator_similarity": round(sim, 3),
                "met": met(t.value, t.comparator, float(a.value), t.unit) if sim >= CLEAR_MIN else "unclear",
            }
        rows.append(row)
    cols = ["target_id", "actual_id", "indicator_similarity", *_COLUMNS]
    return pd.DataFrame(rows, columns=cols)


def plan_results(documents: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Every plan held against the next later document of its jurisdiction.

    Returns:
        The rows of :func:`link` with ``plan_doc_id`` and ``result_doc_id`` first.
    """
    out = []
    for _, docs in documents.sort_values(["jurisdiction_zh", "year", "doc_id"]).groupby("jurisdiction_zh"):
        docs = docs.reset_index(drop=True)
        for p in docs.itertuples():
            later = docs[docs.year > p.year]
            if later.empty:
                continue
            r = later.iloc[0]
            links = link(targets[targets.doc_id == p.doc_id], targets[targets.doc_id == r.doc_id], int(p.year))
            if len(links):
                out.append(links.assign(plan_doc_id=p.doc_id, result_doc_id=r.doc_id))
    cols = TABLES["plan_results"]["columns"]
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols]

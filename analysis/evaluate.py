"""Scoring against the hand-made gold answers, by the rules of ``tests/gold/README.md``.

Used by the test suite and by ``make score``; the gold files are test data and are passed
in by the caller, never read from a fixed path here.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["title_match", "score_outline", "match_targets", "score_targets", "theme_predictions", "confusion"]


def _key(title: str) -> str:
    return re.sub(r"\s+", "", title or "")[:6]


def title_match(a: str, b: str) -> bool:
    """Two titles match when they share their first 6 characters, spaces removed."""
    return _key(a) == _key(b) and _key(a) != ""


def score_outline(sections: pd.DataFrame, gold: dict) -> pd.DataFrame:
    """Per-document outline score.

    Args:
        sections: the ``sections`` table (any number of documents).
        gold: ``{doc_id: {"parts": [{"n", "title"}], "items": [{"part", "n", "title"}]}}``.

    Returns:
        One row per gold document: parts and items found / expected, titles matched in order,
        and the list of mismatches (position, ours, gold).
    """
    rows = []
    for doc_id, g in gold.items():
        s = sections[sections.doc_id == doc_id]
        out = {"doc_id": doc_id}
        for level, name in ((1, "parts"), (2, "items")):
            ours = s.loc[s.level == level, "title"].tolist()
            ref = [x["title"] for x in g[name]]
            matched = sum(title_match(a, b) for a, b in zip(ours, ref))
            out[f"{name}_found"] = len(ours)
            out[f"{name}_expected"] = len(ref)
            out[f"{name}_titles_matched"] = matched
            out[f"{name}_mismatches"] = [
                (k + 1, a, b) for k, (a, b) in enumerate(zip(ours, ref)) if not title_match(a, b)
            ]
        rows.append(out)
    return pd.DataFrame(rows)


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def match_targets(pred: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """One-to-one matching of extracted quantities with gold rows, per document.

    A prediction matches a gold row with an equal value (1e-6 relative) whose ``unit`` or
    ``unit_alt`` equals its unit; among several, the one whose ``surface`` occurs in the
    prediction's sentence is preferred. Returns one row per prediction and per unmatched gold
    row with ``outcome`` tp / neutral / fp / fn and the fields to check.
    """
    rows = []
    for doc_id in sorted(set(gold.doc_id)):
        g = gold[gold.doc_id == doc_id].reset_index(drop=True)
        used = [False] * len(g)
        for p in pred[pred.doc_id == doc_id].itertuples():
            cands = [
                i
                for i, r in g.iterrows()
                if not used[i]
                and _same_value(float(r.value), float(p.value))
                and p.unit in {str(r.unit or ""), str(r.unit_alt or "")}
            ]
            cands.sort(key=lambda i: (str(g.surface[i]) not in str(p.sentence), i))
            if not cands:
                rows.append(
                    dict(doc_id=doc_id, outcome="fp", value=p.value, unit=p.unit, raw=p.raw, sentence=p.sentence)
                )
                continue
            i = cands[0]
            used[i] = True
            r = g.loc[i]
            keys = [k for k in str(r.indicator_keys or "").split(";") if k]
            rows.append(
                dict(
                    doc_id=doc_id,
                    outcome="neutral" if r.kind == "ignore" else "tp",
                    value=p.value,
                    unit=p.unit,
                    raw=p.raw,
                    sentence=p.sentence,
                    kind=p.kind,
                    gold_kind=r.kind,
                    comparator=p.comparator,
                    gold_comparator=r.comparator,
                    indicator=p.indicator,
                    gold_keys=r.indicator_keys,
                    kind_ok=p.kind == r.kind,
                    comparator_ok=p.comparator == r.comparator,
                    indicator_ok=any(k in str(p.indicator) for k in keys),
                )
            )
        for i, r in g.iterrows():
            if not used[i] and r.kind != "ignore":
                rows.append(
                    dict(doc_id=doc_id, outcome="fn", value=r.value, unit=r.unit, raw=r.surface, gold_kind=r.kind)
                )
    return pd.DataFrame(rows)


def score_targets(matches: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and field accuracy among true positives, from :func:`match_targets`."""
    n = matches.outcome.value_counts()
    tp, fp, fn = (int(n.get(k, 0)) for k in ("tp", "fp", "fn"))
    t = matches[matches.outcome == "tp"]
    return dict(
        tp=tp,
        fp=fp,
        fn=fn,
        neutral=int(n.get("neutral", 0)),
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        kind=float(t.kind_ok.mean()) if len(t) else 1.0,
        comparator=float(t.comparator_ok.mean()) if len(t) else 1.0,
        indicator=float(t.indicator_ok.mean()) if len(t) else 1.0,
    )


def theme_predictions(sections: pd.DataFrame, section_themes: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Predicted primary theme of each gold item (``item_n`` = n-th level-2 section of its document)."""
    prim = section_themes[section_themes.is_primary].set_index("section_id").theme_id
    rows = []
    for doc_id, g in gold.groupby("doc_id", sort=False):
        items = sections[(sections.doc_id == doc_id) & (sections.level == 2)].section_id.tolist()
        for r in g.itertuples():
            sid = items[int(r.item_n) - 1] if int(r.item_n) <= len(items) else None
            rows.append(
                dict(
                    doc_id=doc_id,
                    item_n=int(r.item_n),
                    title=r.title,
                    theme=r.theme,
                    also_acceptable=r.also_acceptable,
                    predicted=prim.get(sid, "missing"),
                )
            )
    df = pd.DataFrame(rows)
    df["correct"] = df.predicted == df.theme
    df["lenient"] = df.correct | df.apply(lambda r: r.predicted in str(r.also_acceptable).split(";"), axis=1)
    return df


def confusion(pred: pd.DataFrame) -> pd.DataFrame:
    """Gold theme (rows) by predicted theme (columns), counts, with per-theme recall."""
    tab = pd.crosstab(pred.theme, pred.predicted)
    tab["recall"] = [tab.at[t, t] / tab.loc[t].sum() if t in tab.columns else 0.0 for t in tab.index]
    return tab

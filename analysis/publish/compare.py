"""Comparison functions for the notebooks: small, pure, tables in and tables out."""

from __future__ import annotations

import html
import re

import pandas as pd

from analysis import resources
from analysis.errors import UserError
from analysis.params import Interval, validate_params
from analysis.schema import ancestors

__all__ = [
    "md_text",
    "document_summary",
    "theme_shares_wide",
    "specificity",
    "commitment_mix",
    "comparable_targets",
    "confounding_note",
    "indicator_group",
]


#: Characters that would make Markdown out of a document's text: links, emphasis, tables.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text: str) -> str:
    """Text from a document or the manifest, safe inside Markdown: HTML escaped (a
    ``<script>`` shows as text) and Markdown punctuation backslashed (no links, no emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def document_summary(documents: pd.DataFrame, doc_id: str, n_targets: int) -> str:
    """A Markdown heading and one line of facts about a document (fields may be missing).

    Raises:
        UserError: the document is not in the built tables.
    """
    if doc_id not in set(documents.doc_id):
        raise UserError(
            f"unknown document '{doc_id}': add it to data/manifest.csv (minzheng add) and run minzheng build"
        )
    d = documents.set_index("doc_id").loc[doc_id]

    def val(field: str, default: str = "") -> str:
        v = d.get(field)
        return default if v is None or pd.isna(v) or str(v) == "" else md_text(v)

    title = val("title_zh", md_text(f"({doc_id}: no title in the source)"))
    return (
        f"## {val('jurisdiction_zh')} · {val('year')} · {title}\n\n"
        f"{val('publisher_zh', 'publisher unknown')} · genre **{val('genre')}** · {int(d.n_chars):,} characters · "
        f"{int(d.n_parts)} parts · {int(d.n_items)} items · {n_targets} quantities · "
        f"{int(d.n_quality_issues)} quality issues"
    )


def theme_shares_wide(shares: pd.DataFrame, value: str = "share") -> pd.DataFrame:
    """Theme shares side by side: one row per theme, one column per document."""
    return shares.pivot_table(index="theme_id", columns="doc_id", values=value, fill_value=0.0)


def specificity(documents: pd.DataFrame, sections: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """How concrete each plan is.

    Returns one row per document: characters, items, quantities, commitments (kind target),
    commitments per 10,000 characters, and the share of items (level 2) whose own text or
    sub-items hold at least one commitment.
    """
    t = targets[targets.kind == "target"]
    items = sections[sections.level == 2][["doc_id", "section_id"]]
    hit = set(t.section_id)
    # a commitment in a sub-item counts for its item
    parent = dict(zip(sections.section_id, sections.parent_id))
    for sid in list(hit):
        hit.update(ancestors(sid, parent))
    items = items.assign(has_target=items.section_id.isin(hit))
    out = documents[["doc_id", "jurisdiction_zh", "year", "genre", "n_chars"]].copy()
    out["n_items"] = out.doc_id.map(items.groupby("doc_id").size()).fillna(0).astype(int)
    out["n_quantities"] = out.doc_id.map(targets.groupby("doc_id").size()).fillna(0).astype(int)
    out["n_targets"] = out.doc_id.map(t.groupby("doc_id").size()).fillna(0).astype(int)
    out["targets_per_10k_chars"] = out.n_targets * 1e4 / out.n_chars
    out["share_items_with_target"] = out.doc_id.map(items.groupby("doc_id").has_target.mean()).fillna(0.0)
    return out.reset_index(drop=True)


@validate_params(kind=[{"target", "actual"}])
def commitment_mix(targets: pd.DataFrame, kind: str = "target") -> pd.DataFrame:
    """Share of each commitment word (确保, 力争 … or '(none)') among a document's targets."""
    t = targets[targets.kind == kind].assign(commitment=lambda d: d.commitment.fillna("").replace("", "(none)"))
    counts = t.groupby(["doc_id", "commitment"]).size().rename("n").reset_index()
    counts["share"] = counts.n / counts.groupby("doc_id").n.transform("sum")
    return counts


def indicator_group(indicator: str, unit: str, verb: str = "") -> str | None:
    """The comparable-indicator group of a target (resources/indicator_groups.tsv), if any."""
    text = f"{indicator or ''} {verb or ''}"
    for group, _, units, rx in resources.rows("indicator_groups.tsv"):
        if unit in units.split(",") and re.search(rx, text):
            return group
    return None


@validate_params(min_docs=[Interval(1, None, integer=True)])
def comparable_targets(targets: pd.DataFrame, documents: pd.DataFrame, min_docs: int = 2) -> pd.DataFrame:
    """Targets of the same indicator across documents, with each document's place and year.

    A group is an indicator group of ``resources/indicator_groups.tsv`` in one unit, rates
    apart from counts (``elderly_beds:张``, ``dibao_standard:%``). Only groups found in at
    least ``min_docs`` documents are kept.
    """
    labels = {g: label for g, label, _, _ in resources.rows("indicator_groups.tsv")}
    groups = [indicator_group(i, u, v) for i, u, v in zip(targets.indicator, targets.unit, targets.verb)]
    rate = targets.indicator.fillna("").str.contains("每").to_numpy()
    # a rate (每千名老年人拥有床位30张) is not comparable with a count (新增床位2000张), nor % with 元
    t = targets.assign(
        group=[None if g is None else f"{g}{'_rate' if r else ''}:{u}" for g, r, u in zip(groups, rate, targets.unit)]
    )
    t = t.dropna(subset=["group"])
    keep = t.groupby("group").doc_id.nunique()
    t = t[t.group.isin(keep[keep >= min_docs].index)]
    t = t.merge(documents[["doc_id", "jurisdiction_zh", "year", "genre"]], on="doc_id", how="left")
    base = t.group.str.split(":").str[0]
    t["group_label"] = [labels[b.removesuffix("_rate")] + (" (rate)" if b.endswith("_rate") else "") for b in base]
    cols = [
        "group",
        "group_label",
        "doc_id",
        "jurisdiction_zh",
        "year",
        "kind",
        "value",
        "value_from",
        "unit",
        "comparator",
        "indicator",
        "raw",
        "sentence",
    ]
    return t[cols].sort_values(["group", "year", "doc_id", "value"]).reset_index(drop=True)


def confounding_note(documents: pd.DataFrame) -> str:
    """A plain sentence when place and time cannot be told apart in these documents, else ''.

    With one document per jurisdiction and different years, a difference between two
    documents is as much a difference of year as of place; with one jurisdiction over
    several years, as much a change of author as a trend.
    """
    d = documents.drop_duplicates("doc_id")
    if len(d) < 2:
        return ""
    per_place = d.groupby("jurisdiction_zh").year.nunique()
    years = sorted(set(d.year.astype(int)))
    if (per_place == 1).all() and len(years) > 1 and d.jurisdiction_zh.nunique() == len(d):
        return (
            f"Each of the {len(d)} jurisdictions appears once, in a different year ({years[0]}–{years[-1]}): "
            "a difference between two documents mixes place and time, so it is neither a city effect nor a "
            "trend. Read comparisons as differences between documents."
        )
    if d.jurisdiction_zh.nunique() == 1 and len(years) > 1:
        return (
            f"All documents come from {md_text(d.jurisdiction_zh.iloc[0])} ({years[0]}–{years[-1]}): differences are "
            "changes over time within one jurisdiction, not differences between places."
        )
    if len(years) > 1 and (per_place == 1).mean() > 0.5:
        return (
            "Most jurisdictions appear in a single year, and the years differ: differences between them mix "
            "place and time."
        )
    return ""

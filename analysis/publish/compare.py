"""Comparison functions for the notebooks: small, pure, tables in and tables out."""

from __future__ import annotations

import html
import re

import pandas as pd

from analysis import resources
from analysis.errors import UserError
from analysis.params import Interval, validate_params
from analysis.publish import labels
from analysis.schema import ancestors

__all__ = [
    "md_text",
    "task_changes",
    "indicator_timeline",
    "TASK_SIMILARITY",
    "document_summary",
    "theme_shares_wide",
    "specificity",
    "commitment_mix",
    "comparable_targets",
    "confounding_note",
    "indicator_group",
    "GROUP_BY",
    "group_documents",
    "group_label",
    "regroup",
    "group_terms",
]


#: Characters that would make Markdown out of a document's text: links, emphasis, tables.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(text: str) -> str:
    """Text from a document or the manifest, safe inside Markdown: HTML escaped (a
    ``<script>`` shows as text) and Markdown punctuation backslashed (no links, no emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def document_summary(documents: pd.DataFrame, doc_id: str, n_targets: int, lang: str = "zh") -> str:
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

    genre = labels.value_labels(lang).get("genre", {})
    return labels.text(
        "notes.summary",
        lang,
        place=val("jurisdiction_zh"),
        year=val("year"),
        title=val("title_zh", md_text(labels.text("notes.no_title", lang, doc_id=doc_id))),
        publisher=val("publisher_zh", labels.text("notes.no_publisher", lang)),
        genre=md_text(genre.get(d.genre, d.genre)),
        n_chars=int(d.n_chars),
        n_parts=int(d.n_parts),
        n_items=int(d.n_items),
        n_targets=n_targets,
        n_issues=int(d.n_quality_issues),
    )


def group_label(by: str, lang: str = "zh") -> str:
    """How a ``group_by`` value reads: ``province`` -> 所属省份."""
    return labels.column_labels(lang).get(GROUP_BY.get(by, by), by)


#: What documents can be pooled by in a comparison (``group_by``) -> the manifest column.
GROUP_BY = {
    "jurisdiction": "jurisdiction_zh",
    "year": "year",
    "genre": "genre",
    "admin_level": "admin_level",
    "province": "province_zh",
}


@validate_params(by=[{"", *GROUP_BY}])
def group_documents(documents: pd.DataFrame, by: str = "", lang: str = "zh") -> tuple[pd.DataFrame, dict[str, str]]:
    """Documents pooled into the groups a comparison is made between.

    ``by=""`` keeps every document on its own. Otherwise each group becomes one row that the
    comparison functions and charts treat like a document: ``doc_id`` is the group's key
    (``湖北省``, ``2018``, ``work_plan``), ``label`` how it reads (``2018年``, ``工作要点``),
    ``jurisdiction_zh`` the label too (so that each group has its own colour), ``year`` its
    latest year, and ``n_chars``, ``n_items``, ``n_docs`` its totals. A province-level document
    with no ``province_zh`` is its own province.

    Returns:
        (groups, group_of): the groups, and doc_id -> the key of its group.
    """
    if not by:
        return documents, dict(zip(documents.doc_id, documents.doc_id))
    col = GROUP_BY[by]
    key = documents[col] if col in documents else pd.Series("", index=documents.index)
    if by == "province":
        key = key.mask(key.isna() | (key.astype(str) == ""), documents.jurisdiction_zh)
    key = key.astype(str)
    names = labels.value_labels(lang).get(col, {})
    suffix = "年" if by == "year" and lang == "zh" else ""
    d = documents.assign(_key=key.to_numpy())
    groups = (
        d.groupby("_key", sort=True)
        .agg(year=("year", "max"), n_chars=("n_chars", "sum"), n_items=("n_items", "sum"), n_docs=("doc_id", "size"),
             genre=("genre", lambda g: g.iloc[0] if g.nunique() == 1 else ""))
        .reset_index()
        .rename(columns={"_key": "doc_id"})
    )  # fmt: skip
    groups["label"] = [names.get(k, k) + suffix for k in groups.doc_id]
    groups["jurisdiction_zh"] = groups.label
    cols = ["doc_id", "label", "jurisdiction_zh", "year", "genre", "n_chars", "n_items", "n_docs"]
    return groups[cols], dict(zip(d.doc_id, d._key))


def regroup(df: pd.DataFrame, group_of: dict[str, str], column: str = "doc_id") -> pd.DataFrame:
    """``df`` with each document in ``column`` replaced by its group, rows of other documents
    dropped (see :func:`group_documents`)."""
    out = df[df[column].isin(group_of.keys())]
    return out.assign(**{column: out[column].map(group_of)})


def group_terms(section_terms: pd.DataFrame, group_of: dict[str, str]) -> dict[str, list[str]]:
    """Group -> the content terms of all its sections, in document order (for similarity and
    distinctive terms between groups)."""
    out: dict[str, list[str]] = {g: [] for g in dict.fromkeys(group_of.values())}
    for doc_id, terms in zip(section_terms.doc_id, section_terms.terms):
        if doc_id in group_of:
            out[group_of[doc_id]].extend(terms)
    return out


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
    keep = ["doc_id", "label", "jurisdiction_zh", "year", "genre", "n_chars"]
    out = documents[[c for c in keep if c in documents]].copy()
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


def confounding_note(documents: pd.DataFrame, lang: str = "zh") -> str:
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
    span = dict(first=years[0], last=years[-1])
    if (per_place == 1).all() and len(years) > 1 and d.jurisdiction_zh.nunique() == len(d):
        return labels.text("notes.once_each", lang, n=len(d), **span)
    if d.jurisdiction_zh.nunique() == 1 and len(years) > 1:
        return labels.text("notes.one_place", lang, place=md_text(d.jurisdiction_zh.iloc[0]), **span)
    if len(years) > 1 and (per_place == 1).mean() > 0.5:
        return labels.text("notes.mostly_once", lang)
    return ""


#: Two leaf sections of consecutive documents whose TF-IDF vectors have at least this cosine
#: similarity are the same task carried on.
TASK_SIMILARITY = 0.3


@validate_params(threshold=[Interval(0, 1, closed="right")])
def task_changes(
    section_terms: pd.DataFrame, documents: pd.DataFrame, threshold: float = TASK_SIMILARITY
) -> pd.DataFrame:
    """Tasks new, continued and dropped between consecutive documents (in year order).

    Each leaf section is a task. A task of the later document is *continued* when a task of
    the earlier one has a TF-IDF cosine similarity of at least ``threshold`` with it, else
    *new*; a task of the earlier document that no later task reaches is *dropped*.

    Args:
        section_terms: the ``section_terms`` rows of the documents.
        documents: the documents, with ``doc_id`` and ``year``.
        threshold: the similarity that makes two sections one task.

    Returns:
        One row per pair of consecutive documents: doc_a, doc_b, year_a, year_b and the
        numbers of sections continued, new and dropped.
    """
    rows = []
    for a, b, sim in _consecutive_similarities(section_terms, documents):
        rows.append(
            {
                "doc_a": a.doc_id,
                "doc_b": b.doc_id,
                "year_a": int(a.year),
                "year_b": int(b.year),
                "continued": int((sim.max(axis=0) >= threshold).sum()) if sim.size else 0,
                "new": int((sim.max(axis=0) < threshold).sum()) if sim.size else sim.shape[1],
                "dropped": int((sim.max(axis=1) < threshold).sum()) if sim.size else sim.shape[0],
            }
        )
    cols = ["doc_a", "doc_b", "year_a", "year_b", "continued", "new", "dropped"]
    return pd.DataFrame(rows, columns=cols)


def _consecutive_similarities(section_terms: pd.DataFrame, documents: pd.DataFrame):
    """For each pair of consecutive documents: their rows and the (sections of a) x
    (sections of b) cosine similarities of the sections' TF-IDF vectors."""
    from analysis.corpus.matrix import section_matrix

    docs = documents.sort_values(["year", "doc_id"]).reset_index(drop=True)
    st = section_terms[section_terms.doc_id.isin(docs.doc_id)]
    if st.empty:
        return
    X, _ = section_matrix(st.terms.tolist(), min_df=1)
    owner = st.doc_id.to_numpy()
    for a, b in zip(docs.itertuples(), docs.iloc[1:].itertuples()):
        xa, xb = X[owner == a.doc_id], X[owner == b.doc_id]
        yield a, b, (xa @ xb.T).toarray()


#: Words that say what is done to a figure or where, not what it counts (dropped from
#: indicators before they are compared); 平均, 实际 and 同比 qualify a change (实际增长,
#: 平均增长) and alone made panels titled 平均 and 实际 in the national timeline.
_GENERIC = re.compile(
    r"比上年|比去年|新增|新建|建成|达到|达|提高到|提高|提升|增长|增加|增至|降低|下降|减少|完成|实现|全省|全市|全区|全国|累计|年均|"
    r"平均|实际|同比|总数|保持|继续"
)


def indicator_key(indicator: str) -> str:
    """An indicator without punctuation, rate base and generic verbs: 城镇新增就业 -> 城镇就业."""
    return _GENERIC.sub("", re.sub(r"\(每.*?\)|[^\u4e00-\u9fffA-Za-z0-9]", "", indicator or ""))


def indicator_timeline(targets: pd.DataFrame, documents: pd.DataFrame, min_docs: int = 2) -> pd.DataFrame:
    """The figures of one jurisdiction that recur over the years: each indicator group of
    ``indicator_groups.tsv``, else each indicator (generic verbs dropped) in one unit, found in
    ``min_docs`` documents or more, with the year each figure refers to (``ref_year``)."""
    labels = {g: label for g, label, _, _ in resources.rows("indicator_groups.tsv")}
    t = targets[targets.ref_period.fillna("") == ""].merge(documents[["doc_id", "year"]], on="doc_id")
    groups = [indicator_group(i, u, v) for i, u, v in zip(t.indicator, t.unit, t.verb)]
    keys = [indicator_key(i) for i in t.indicator]
    t = t.assign(
        group=[f"{g or k}:{u}" for g, k, u in zip(groups, keys, t.unit)],
        group_label=[labels.get(g, k) for g, k in zip(groups, keys)],
    )
    t = t[[len(k) >= 2 for k in keys]]
    n_docs = t.groupby("group").doc_id.nunique()
    t = t[t.group.isin(n_docs[n_docs >= min_docs].index)]
    cols = [
        "group",
        "group_label",
        "doc_id",
        "year",
        "ref_year",
        "kind",
        "value",
        "unit",
        "comparator",
        "indicator",
        "raw",
    ]
    return t[cols].sort_values(["group", "ref_year", "doc_id"]).reset_index(drop=True)

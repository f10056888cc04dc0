"""Briefing-ready charts: each function takes a tidy table and returns a Figure.

At import, Noto Sans CJK SC (shipped by the mplfonts package from PyPI) is registered with
matplotlib's font manager and made the default, so Chinese renders on a fresh machine with
no system font and no manual step. Figures are 16:9 (12.8 x 7.2 in; 2560 x 1440 px at the
200 dpi of :class:`FigureSaver`), carry a title, axis labels and a source line, and use
colour-blind-safe colours (Okabe-Ito for categories, cividis for heatmaps).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib import font_manager

from analysis.publish.fonts import FONT, font_path
from analysis.publish.labels import column_labels, readable
from analysis.publish.labels import text as _text

__all__ = [
    "FONT",
    "LANG",
    "set_lang",
    "doc_labels",
    "doc_colours",
    "OKABE_ITO",
    "FigureSaver",
    "table",
    "Table",
    "TABLE_SCROLL_ROWS",
    "say",
    "source_line",
    "theme_mix",
    "outline_overview",
    "targets_by_theme",
    "quality_issues",
    "theme_shares_compare",
    "specificity",
    "comparable_targets",
    "similarity_heatmap",
    "distinctive_terms",
    "silhouette",
    "cluster_sizes",
    "cluster_theme_agreement",
    "theme_shares_over_time",
    "indicator_over_time",
    "plan_vs_result",
]

#: The language of chart text: "zh" (the default: analysts brief in Chinese) or "en".
LANG = "zh"


def set_lang(lang: str) -> None:
    """Chart titles, axes, legends, notes and table headers in ``zh`` (default) or ``en``."""
    global LANG
    column_labels(lang)  # checks it
    LANG = lang


def say(key: str, **fields):
    """A notebook's heading or note ``<notebook>.<key>`` (``resources/notebook_text.toml``) in
    the chart language, as Markdown for the cell to show."""
    from IPython.display import Markdown

    return Markdown(_text(key, LANG, **fields))


def _t(zh: str, en: str) -> str:
    return zh if LANG == "zh" else en


OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SIZE = (12.8, 7.2)


def _register_font() -> None:
    font_manager.fontManager.addfont(str(font_path()))
    matplotlib.rcParams.update(
        {
            "font.family": [FONT],
            "axes.unicode_minus": False,
            "figure.figsize": SIZE,
            "figure.dpi": 100,
            "savefig.dpi": 200,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 18,
            "axes.labelsize": 14,
            "xtick.labelsize": 12,
            "ytick.labelsize": 12,
            "legend.fontsize": 12,
            # SVG text stays text (a title can be edited in PowerPoint or Illustrator); viewers
            # without Noto Sans CJK SC fall back to their own Chinese font
            "svg.fonttype": "none",
        }
    )


_register_font()
# A report shows every row and column of a table: pandas' ellipsis ("19 rows x 26 columns",
# "...") would hide documents from the reader.
pd.set_option("display.max_rows", None, "display.max_columns", None)
# the Styler's own cap (2**18 cells) would cut a long table without a word
pd.set_option("styler.render.max_elements", 2**31 - 1)


class FigureSaver:
    """Writes each chart as PNG (200 dpi) and SVG under ``figures_dir`` with a stable name
    ``<prefix>-<name>``; with an empty ``figures_dir`` it only shows them."""

    def __init__(self, figures_dir: str | Path = "", prefix: str = ""):
        self.dir = Path(figures_dir) if str(figures_dir) else None
        self.prefix = re.sub(r"[^\w.-]+", "_", prefix)
        if self.dir:
            self.dir.mkdir(parents=True, exist_ok=True)

    def save(self, fig: plt.Figure, name: str) -> plt.Figure:
        """Write the figure (when a folder is set) and return it, closed, so that a notebook
        shows it exactly once as the cell's result."""
        if self.dir:
            stem = f"{self.prefix}-{name}" if self.prefix else name
            fig.savefig(self.dir / f"{stem}.png", dpi=200)
            fig.savefig(self.dir / f"{stem}.svg")
        plt.close(fig)
        return fig


#: A table longer than this many rows scrolls inside a box with its header kept in view,
#: so that a report of 2,000 targets stays a page one can read past.
TABLE_SCROLL_ROWS = 25


class Table:
    """A table as a notebook shows it (``_repr_html_``); ``styler`` is the pandas Styler."""

    def __init__(self, styler, n_rows: int):
        self.styler, self.n_rows = styler, n_rows

    def _repr_html_(self) -> str:
        html = self.styler.to_html()
        if self.n_rows <= TABLE_SCROLL_ROWS:
            return html
        note = _t(f"共 {self.n_rows:,} 行,可在框内滚动", f"{self.n_rows:,} rows; scroll inside the box")
        return (
            f'<div style="max-height:36em;overflow:auto;border:1px solid #ddd">{html}</div>'
            f'<p style="color:#555;font-size:90%">{note}</p>'
        )


def table(df: pd.DataFrame, formats: dict | None = None, precision: int = 2) -> Table:
    """A readable table for a notebook: headers and coded values in the chart language
    (``labels.readable``), no index, text left-aligned, numbers formatted, every cell and
    header HTML-escaped (document text must never become markup), every row shown (a long
    table scrolls in a box, its header fixed)."""
    headers = column_labels(LANG)
    formats = {headers.get(c, c): f for c, f in (formats or {}).items()}
    df = readable(df, LANG)
    numeric = {c: (lambda v: f"{v:,.10g}") for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    styler = (
        df.style.hide(axis="index")
        .format(dict(numeric, **formats), precision=precision, na_rep="", escape="html")
        .format_index(escape="html", axis=1)
        .set_properties(**{"text-align": "left"})
        .set_table_styles(
            [{"selector": "th", "props": [("text-align", "left"), ("position", "sticky"), ("top", "0"),
                                          ("background", "white")]}]
        )
    )  # fmt: skip
    return Table(styler, len(df))


#: A source line lists documents up to this many characters; beyond, it counts them.
SOURCE_MAX_CHARS = 80


def doc_labels(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> how a reader names the document: 武汉市 2018, or Wuhan 2018 in English (with its period or id when two
    documents of one place and year would read the same); a frame of groups of documents
    (``compare.group_documents``) names them by its ``label`` column."""
    if "label" in documents:
        return dict(zip(documents.doc_id, documents.label))
    place = documents.jurisdiction_zh.astype(str)
    if LANG == "en" and "jurisdiction_en" in documents:  # Wuhan 2018, where the manifest has it
        english = documents.jurisdiction_en
        place = english.where(english.notna() & (english.astype(str) != ""), place).astype(str)
    base = {d: f"{p} {y}" for d, p, y in zip(documents.doc_id, place, documents.year)}
    counts = pd.Series(list(base.values())).value_counts()
    out = {}
    for r in documents.itertuples():
        label = base[r.doc_id]
        if counts[label] > 1:
            period = getattr(r, "period", None)
            extra = period if isinstance(period, str) and period and period != "annual" else r.doc_id
            label = f"{label} {extra}"
        out[r.doc_id] = label
    return out


def source_line(documents: pd.DataFrame) -> str:
    """'来源:武汉市 2018、宿迁市 2018Q1…(minzheng)' for the documents a chart draws on; a long
    list is cut to a count, so the line always fits under the chart."""
    labels = list(doc_labels(documents).values())
    listed = "、".join(labels) if LANG == "zh" else "; ".join(labels)
    if len(listed) > SOURCE_MAX_CHARS:
        years = documents.year.astype(int)
        span = f"{years.min()}–{years.max()}"
        listed = _t(f"{len(labels)} 份文件({span}),见文件表", f"{len(labels)} documents ({span}); see the table")
    return _t(f"来源:{listed}(minzheng)", f"Source: {listed} (minzheng)")


def doc_colours(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> colour: one hue per jurisdiction (the same in every chart), lighter for its
    earlier documents."""
    places = sorted(documents.jurisdiction_zh.unique())
    cmap = matplotlib.colormaps["tab20"] if len(places) > 8 else None
    out = {}
    for k, place in enumerate(places):
        base = matplotlib.colors.to_rgb(OKABE_ITO[k] if cmap is None else cmap(2 * (k % 10) + (k // 10) % 2))
        docs = documents[documents.jurisdiction_zh == place].sort_values(["year", "doc_id"]).doc_id.tolist()
        for i, d in enumerate(docs):
            mix = 0.55 * (len(docs) - 1 - i) / max(len(docs) - 1, 1)  # the latest in full colour
            out[d] = matplotlib.colors.to_hex([c + (1 - c) * mix for c in base])
    return out


def _finish(fig, ax, title: str, xlabel: str, ylabel: str, source: str):
    ax.set_title(title, loc="left", pad=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.01, 0.01, source, fontsize=10, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def _finish_panels(fig, title: str, source: str) -> plt.Figure:
    """Title a figure of several panels, put its source line under them, lay it out."""
    fig.suptitle(title, x=0.01, ha="left", fontsize=18)
    fig.text(0.01, 0.01, source, fontsize=10, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return fig


def _theme_label(theme_id: str, names: pd.DataFrame | None) -> str:
    if theme_id == "unclassified":
        return _t("未分类", "unclassified")
    if names is None or theme_id not in set(names.theme_id):
        return theme_id
    zh = names.set_index("theme_id").zh[theme_id]
    return re.sub(r"\(.*\)$", "", zh)


def _empty(title: str, message: str, source: str) -> plt.Figure:
    """A chart that says plainly that there is nothing to show."""
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=16, color="#555555", transform=ax.transAxes)
    ax.set_axis_off()
    return _finish(fig, ax, title, "", "", source)


def _panels(n: int):
    """A 16:9 grid of up to 3 columns for n small panels; the spare cells are hidden."""
    cols = min(3, max(1, n))
    rows = int(np.ceil(n / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=SIZE, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes


def _stacked_barh(tab: pd.DataFrame, colours: dict | None = None, labels: dict | None = None, by_total=True):
    """Horizontal bars, one per row of ``tab`` (largest total on top, or the first row on top
    when not ``by_total``), stacked by its columns (coloured and named by ``colours`` and
    ``labels`` when given)."""
    tab = tab.loc[tab.sum(axis=1).sort_values().index] if by_total else tab.iloc[::-1]
    fig, ax = plt.subplots()
    left = np.zeros(len(tab))
    for i, col in enumerate(tab.columns):
        colour = (colours or {}).get(col, OKABE_ITO[i % 8])
        ax.barh(tab.index, tab[col], left=left, color=colour, label=(labels or {}).get(col, col))
        left += tab[col].to_numpy()
    return fig, ax


def theme_mix(shares: pd.DataFrame, source: str, names: pd.DataFrame | None = None) -> plt.Figure:
    """One document's share of text per theme, with its bootstrap interval."""
    d = shares.sort_values("share")
    fig, ax = plt.subplots()
    y = np.arange(len(d))
    ax.barh(y, d.share * 100, color=OKABE_ITO[0])
    ax.errorbar(
        d.share * 100, y, xerr=[(d.share - d.lo) * 100, (d.hi - d.share) * 100], fmt="none", ecolor="#333333", capsize=3
    )
    ax.set_yticks(y, [_theme_label(t, names) for t in d.theme_id])
    ax.set_xlim(0, max(5, float(d.hi.max()) * 100 * 1.1))
    return _finish(
        fig,
        ax,
        _t("各主题的篇幅占比(90% 自助法区间)", "Share of the plan's text by theme (90% bootstrap interval)"),
        _t("占叶节点字数的百分比(%)", "Share of characters in leaf sections (%)"),
        "",
        source,
    )


def outline_overview(sections: pd.DataFrame, source: str) -> plt.Figure:
    """Characters per part, split into items: how the document is built."""
    parts = sections[sections.level == 1]
    sizes = [
        (p.title[:14], int(p.char_end - p.char_start), int((sections.parent_id == p.section_id).sum()))
        for p in parts.itertuples()
    ]
    fig, ax = plt.subplots()
    y = np.arange(len(sizes))[::-1]
    ax.barh(y, [s[1] for s in sizes], color=OKABE_ITO[4])
    for yi, s in zip(y, sizes):
        ax.text(s[1], yi, f"  {s[2]} " + _t("项", "items"), va="center", fontsize=11)
    ax.set_yticks(y, [f"{i + 1}. {s[0]}" for i, s in enumerate(sizes)])
    ax.set_xlim(0, max([s[1] for s in sizes] + [1]) * 1.15)
    return _finish(
        fig, ax, _t("文件结构:各部分的篇幅", "Outline: length of each part"), _t("字数", "Characters"), "", source
    )


def targets_by_theme(targets: pd.DataFrame, source: str, names: pd.DataFrame | None = None) -> plt.Figure:
    """Quantities per theme, commitments and results stacked."""
    if targets.empty:
        return _empty(
            _t("各主题的量化指标", "Quantified targets by theme"),
            _t("本文件没有量化指标", "No quantified targets in this document"),
            source,
        )
    t = targets.assign(theme_id=targets.theme_id.fillna("unclassified"))
    tab = t.pivot_table(index="theme_id", columns="kind", values="raw", aggfunc="count", fill_value=0)
    for k in ("target", "actual"):
        if k not in tab:
            tab[k] = 0
    tab = tab.assign(total=tab.target + tab.actual).sort_values("total")
    fig, ax = plt.subplots()
    y = np.arange(len(tab))
    ax.barh(y, tab.target, color=OKABE_ITO[0], label=_t("目标(承诺)", "target (commitment)"))
    ax.barh(
        y,
        tab.actual,
        left=tab.target,
        color=OKABE_ITO[1],
        label=_t("实际(完成值或现行标准)", "actual (result or standard in force)"),
    )
    ax.set_yticks(y, [_theme_label(i, names) for i in tab.index])
    ax.legend(loc="lower right", frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish(
        fig,
        ax,
        _t("各主题的量化指标", "Quantified targets by theme"),
        _t("指标个数", "Number of quantities"),
        "",
        source,
    )


def quality_issues(issues: pd.DataFrame, source: str) -> plt.Figure:
    """What cleaning removed, repaired or flagged in the source."""
    if issues.empty:
        return _empty(
            _t("原文中发现的质量问题", "Quality issues found in the source"),
            _t(
                "没有质量问题:未删除、修复或标记任何内容", "No quality issues: nothing was removed, repaired or flagged"
            ),
            source,
        )
    fig, ax = _stacked_barh(issues.groupby(["kind", "action"]).size().unstack(fill_value=0))
    ax.legend(title="action", loc="lower right", frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish(
        fig,
        ax,
        _t("原文中发现的质量问题", "Quality issues found in the source"),
        _t("问题个数", "Number of issues"),
        "",
        source,
    )


#: Up to this many documents a chart draws one bar (or panel) per document; beyond, a heatmap
#: or a table, which stay readable with 60.
BARS_MAX_DOCS = 8
#: Heatmap cells carry their number up to this many documents.
ANNOTATE_MAX_DOCS = 12


def _doc_order(documents: pd.DataFrame | None, ids) -> list[str]:
    """Documents ordered by jurisdiction, then year."""
    if documents is None:
        return list(ids)
    d = documents[documents.doc_id.isin(list(ids))].sort_values(["jurisdiction_zh", "year", "doc_id"])
    return d.doc_id.tolist()


def theme_shares_compare(
    wide: pd.DataFrame, source: str, names: pd.DataFrame | None = None, documents: pd.DataFrame | None = None
) -> plt.Figure:
    """Theme shares side by side: grouped bars (one per document, its jurisdiction's colour)
    up to ``BARS_MAX_DOCS`` documents, a theme x document heatmap beyond."""
    title = _t("各文件各主题的篇幅占比", "Share of text by theme, document by document")
    xlabel = _t("占叶节点字数的百分比(%)", "Share of characters in leaf sections (%)")
    order = _doc_order(documents, wide.columns)
    labels = doc_labels(documents) if documents is not None else {d: d for d in order}
    wide = wide.loc[wide.mean(axis=1).sort_values().index, order]
    if len(order) > BARS_MAX_DOCS:
        fig, ax = plt.subplots()
        im = ax.imshow(wide.to_numpy() * 100, cmap="cividis", aspect="auto", vmin=0)
        ax.set_yticks(range(len(wide)), [_theme_label(t, names) for t in wide.index], fontsize=10)
        size = 10 if len(order) <= 30 else 7
        ax.set_xticks(range(len(order)), [labels[d] for d in order], rotation=60, ha="right", fontsize=size)
        if len(order) <= ANNOTATE_MAX_DOCS:
            for (r, c), v in np.ndenumerate(wide.to_numpy() * 100):
                ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=9, color="white" if v < 50 else "black")
        fig.colorbar(im, ax=ax, label=xlabel)
        ax.spines[:].set_visible(False)
        return _finish(fig, ax, title, "", "", source)
    fig, ax = plt.subplots()
    colours = doc_colours(documents) if documents is not None else {d: OKABE_ITO[i % 8] for i, d in enumerate(order)}
    h = 0.8 / max(len(order), 1)
    y = np.arange(len(wide))
    for i, doc in enumerate(order):
        ax.barh(y + i * h - 0.4 + h / 2, wide[doc] * 100, height=h, color=colours[doc], label=labels[doc])
    ax.set_yticks(y, [_theme_label(t, names) for t in wide.index])
    handles, hl = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], hl[::-1], loc="lower right", frameon=False)  # same order as the bars
    return _finish(fig, ax, title, xlabel, "", source)


#: Points of height the document names of a one-row bar chart share (16:9 figure): each
#: gets this divided by their number, at most 12.
BAR_LABEL_POINTS = 380.0


def specificity(spec: pd.DataFrame, source: str) -> plt.Figure:
    """Commitments per 10,000 characters and share of items with at least one; the document
    names shrink with their number so that 60 still stand apart (46 at 12 pt overlapped)."""
    fig, axes = plt.subplots(1, 2, figsize=SIZE)
    names = doc_labels(spec)
    labels = [names[d] for d in spec.doc_id]
    axes[0].tick_params(axis="y", labelsize=min(12.0, BAR_LABEL_POINTS / max(len(labels), 1)))
    axes[0].barh(labels, spec.targets_per_10k_chars, color=OKABE_ITO[0])
    axes[0].set_xlabel(_t("每万字的量化目标数", "Quantified targets per 10,000 characters"))
    axes[1].barh(labels, spec.share_items_with_target * 100, color=OKABE_ITO[2])
    axes[1].set_xlabel(_t("含量化目标的条目占比(%)", "Items with at least one quantified target (%)"))
    axes[1].set_xlim(0, 100)
    axes[1].set_yticklabels([])
    return _finish_panels(fig, _t("各文件的具体程度", "How concrete is each plan?"), source)


#: Documents named in the comparable-targets legend; the others are counted.
COMPARABLE_LEGEND_MAX = 16


def comparable_targets(comp: pd.DataFrame, source: str) -> plt.Figure:
    """The same indicator across documents: one panel per indicator group, dots by year."""
    if comp.empty:
        return _empty(
            _t("可比指标", "Comparable targets"),
            _t("没有在两份以上文件中都量化的指标", "No indicator is quantified in two or more of these documents"),
            source,
        )
    groups = list(dict.fromkeys(comp.group))[:6]
    fig, axes = _panels(len(groups))
    axes = axes.ravel()
    docs = list(dict.fromkeys(comp.sort_values("year").doc_id))
    colour = doc_colours(comp.drop_duplicates("doc_id"))  # the same colour as in every other chart
    for ax, g in zip(axes.ravel(), groups):
        d = comp[comp.group == g]
        for (doc, kind), x in d.groupby(["doc_id", "kind"], sort=False):
            filled = kind != "target"  # as in every chart: targets hollow, results filled
            dodge = (docs.index(doc) - (len(docs) - 1) / 2) * 0.12  # documents of one year side by side
            ax.scatter(
                x.year + dodge,
                x.value,
                s=70,
                zorder=3,
                color=colour[doc] if filled else "white",
                edgecolors=colour[doc],
                linewidths=2,
            )
        ax.set_title(f"{d.group_label.iloc[0]} ({d.unit.iloc[0]})", fontsize=13, loc="left")
        ax.set_ylim(0, float(d.value.max()) * 1.15)
        ax.set_xlim(min(comp.year) - 0.8, max(comp.year) + 0.8)
        ax.set_xlabel(_t("文件年份", "Year of the document"), fontsize=11)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.10g}"))
    names_ = comp.drop_duplicates("doc_id").set_index("doc_id")
    dot = functools.partial(matplotlib.lines.Line2D, [], [], marker="o", linestyle="", markersize=9, markeredgewidth=2)
    # the key to the markers is the legend's first two entries, so that it never sits on a
    # document's entry; beyond COMPARABLE_LEGEND_MAX documents the rest are counted, not named
    handles = [dot(color="white", markeredgecolor="#555555"), dot(color="#555555")]
    shown = [_t("目标", "target"), _t("实际(完成值或现行标准)", "actual (result or standard in force)")]
    named = docs[:COMPARABLE_LEGEND_MAX]
    handles += [dot(color=colour[d]) for d in named]
    shown += [f"{names_.jurisdiction_zh[d]} {names_.year[d]}" for d in named]
    if len(docs) > len(named):
        handles.append(matplotlib.lines.Line2D([], [], linestyle=""))
        shown.append(_t(f"等共 {len(docs)} 份文件", f"{len(docs)} documents in all"))
    ncol = min(len(handles), 4)  # the legend fills by column: the key is the first one
    rows = -(-len(handles) // ncol)
    fig.legend(handles, shown, loc="upper left", bbox_to_anchor=(0.01, 0.93), frameon=False, ncol=ncol)
    fig.suptitle(
        _t(
            "可比指标:同一指标、同一单位、不同文件",
            "Comparable targets: the same indicator, in the same unit, in different documents",
        ),
        x=0.01,
        ha="left",
        fontsize=18,
    )
    fig.text(0.01, 0.01, source, fontsize=10, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 0.92 - 0.045 * rows))
    return fig


def similarity_heatmap(sim: pd.DataFrame, source: str, documents: pd.DataFrame | None = None) -> plt.Figure:
    """Cosine similarity of the documents' TF-IDF vectors, documents ordered so that similar
    ones sit together (average-linkage leaves order); numbers only when there are few."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    m = sim.pivot(index="doc_a", columns="doc_b", values="similarity")
    ids = [d for d in m.index if d in set(m.columns)]
    m = m.loc[ids, ids].fillna(0.0)
    if len(ids) > 2:
        dist = np.clip(1 - m.to_numpy(), 0, 1)
        np.fill_diagonal(dist, 0)
        order = leaves_list(linkage(squareform((dist + dist.T) / 2, checks=False), method="average"))
        m = m.iloc[order, order]
    labels = doc_labels(documents) if documents is not None else {d: d for d in ids}
    fig, ax = plt.subplots()
    im = ax.imshow(m.to_numpy(), cmap="cividis", vmin=0, vmax=1)
    size = 11 if len(ids) <= 20 else (8 if len(ids) <= 40 else 6)
    ax.set_xticks(range(len(m.columns)), [labels.get(d, d) for d in m.columns], rotation=60, ha="right", fontsize=size)
    ax.set_yticks(range(len(m.index)), [labels.get(d, d) for d in m.index], fontsize=size)
    if len(ids) <= ANNOTATE_MAX_DOCS:
        for i in range(len(m.index)):
            for j in range(len(m.columns)):
                v = m.iat[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="black" if v > 0.6 else "white", fontsize=11)
    fig.colorbar(im, ax=ax, label=_t("余弦相似度(0–1)", "cosine similarity (0–1)"))
    ax.spines[:].set_visible(False)
    title = _t("各文件用词的相似程度(相近的文件排在一起)", "How similar are the documents' vocabularies?")
    return _finish(fig, ax, title, "", "", source)


def distinctive_terms(
    terms: pd.DataFrame, source: str, top_n: int = 8, documents: pd.DataFrame | None = None
) -> plt.Figure:
    """The most distinctive terms of every document: bars of the z-score for up to six
    documents, else one line of terms per document (a chart that stays readable with 60)."""
    title = _t("各文件最具特色的词语(对数优势比的 z 值)", "Terms most distinctive of each document")
    if terms.empty:
        return _empty(title, _t("文本不足,无法比较", "Not enough text to compare"), source)
    order = _doc_order(documents, dict.fromkeys(terms.group))
    labels = doc_labels(documents) if documents is not None else {g: g for g in order}
    if len(order) > 6:
        height = max(SIZE[1], 0.32 * len(order) + 1.2)
        fig, ax = plt.subplots(figsize=(SIZE[0], height))
        ax.set_axis_off()
        for k, g in enumerate(order):
            top = terms[terms.group == g].nsmallest(top_n, "rank").term.tolist()
            y = 1 - (k + 0.5) / len(order)
            ax.text(
                0.0, y, labels.get(g, g), fontsize=12, va="center", ha="left", weight="bold", transform=ax.transAxes
            )
            ax.text(0.2, y, "  ".join(top), fontsize=12, va="center", ha="left", transform=ax.transAxes)
        return _finish(fig, ax, title, "", "", source)
    fig, axes = _panels(len(order))
    axes = axes.ravel()
    zmax = float(terms.z.max())
    colours = doc_colours(documents) if documents is not None else {g: OKABE_ITO[i % 8] for i, g in enumerate(order)}
    for ax, g in zip(axes, order):
        d = terms[terms.group == g].nsmallest(top_n, "rank").iloc[::-1]
        ax.barh(d.term, d.z, color=colours.get(g, OKABE_ITO[0]))
        ax.set_title(labels.get(g, g), fontsize=13, loc="left")
        ax.set_xlim(0, zmax * 1.05)
        ax.set_xlabel(_t("对数优势比的 z 值", "z of log-odds"), fontsize=11)
    return _finish_panels(fig, title, source)


def silhouette(sil: pd.DataFrame, chosen: int, source: str) -> plt.Figure:
    """Silhouette over a range of k, with the k in use marked."""
    fig, ax = plt.subplots()
    ax.plot(sil.k, sil.silhouette, marker="o", color=OKABE_ITO[0])
    ax.axvline(chosen, color=OKABE_ITO[5], linestyle="--", label=f"k = {chosen}")
    ax.set_ylim(0, max(0.05, float(sil.silhouette.max()) * 1.2))
    ax.legend(frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _finish(
        fig,
        ax,
        _t("不同聚类数下的轮廓系数", "Silhouette of the section clustering by number of clusters"),
        _t("k(聚类数)", "k (number of clusters)"),
        _t("平均轮廓系数(余弦)", "Mean silhouette (cosine)"),
        source,
    )


def cluster_sizes(clusters: pd.DataFrame, source: str, documents: pd.DataFrame | None = None) -> plt.Figure:
    """Sections per cluster by document: stacked bars up to ``BARS_MAX_DOCS`` documents (each
    in its jurisdiction's colour), a cluster x document heatmap beyond."""
    c = clusters.assign(doc_id=clusters.section_id.str.split(":").str[0])
    tab = c.pivot_table(index="cluster_label", columns="doc_id", values="section_id", aggfunc="count", fill_value=0)
    title = _t("各聚类的条目数(以高频词命名),按文件", "Clusters of sections (labelled by their top terms), by document")
    order = _doc_order(documents, tab.columns)
    labels = doc_labels(documents) if documents is not None else {d: d for d in order}
    tab = tab[order]
    if len(order) > BARS_MAX_DOCS:
        tab = tab.loc[tab.sum(axis=1).sort_values(ascending=False).index]
        fig, ax = plt.subplots()
        im = ax.imshow(tab.to_numpy(), cmap="cividis", aspect="auto", vmin=0)
        ax.set_yticks(range(len(tab)), tab.index, fontsize=9)
        size = 10 if len(order) <= 30 else 7
        ax.set_xticks(range(len(order)), [labels.get(d, d) for d in order], rotation=60, ha="right", fontsize=size)
        fig.colorbar(im, ax=ax, label=_t("条目数", "Number of sections"))
        ax.spines[:].set_visible(False)
        return _finish(fig, ax, title, "", "", source)
    colours = doc_colours(documents) if documents is not None else None
    fig, ax = _stacked_barh(tab, colours, labels)
    ax.legend(loc="lower right", frameon=False)
    ax.tick_params(axis="y", labelsize=10)
    return _finish(fig, ax, title, _t("条目数", "Number of sections"), "", source)


def cluster_theme_agreement(crosstab: pd.DataFrame, source: str, names: pd.DataFrame | None = None) -> plt.Figure:
    """Clusters (columns) against codebook themes (rows): where do they agree?"""
    fig, ax = plt.subplots()
    im = ax.imshow(crosstab.to_numpy(), cmap="cividis", aspect="auto")
    ax.set_yticks(range(len(crosstab.index)), [_theme_label(t, names) for t in crosstab.index], fontsize=10)
    ax.set_xticks(range(len(crosstab.columns)), crosstab.columns, rotation=60, ha="right", fontsize=9)
    fig.colorbar(im, ax=ax, label=_t("条目数", "sections"))
    ax.spines[:].set_visible(False)
    return _finish(
        fig,
        ax,
        _t("聚类与编码表主题的对照", "Clusters against the codebook's primary themes"),
        _t("聚类(高频词)", "Cluster (top terms)"),
        "",
        source,
    )


def theme_shares_over_time(shares: pd.DataFrame, documents: pd.DataFrame, source: str,
                           names: pd.DataFrame | None = None, top: int = 8) -> plt.Figure:  # fmt: skip
    """One jurisdiction's theme shares year by year, with their bootstrap intervals: the
    ``top`` themes with the largest mean share, one small panel each, on one shared axis."""
    title = "各主题篇幅占比的逐年变化(误差线为90%自助法区间)"
    if shares.empty:
        return _empty(title, "没有可比较的文件", source)
    d = shares.merge(documents[["doc_id", "year"]], on="doc_id")
    order = d.groupby("theme_id").share.mean().sort_values(ascending=False).index[:top]
    fig, axes = _panels(len(order))
    axes = axes.ravel()
    ymax = float(d[d.theme_id.isin(order)].hi.max() * 100) * 1.1 or 1.0
    years = sorted(documents.year.astype(int).unique())
    for ax, theme in zip(axes, order):
        t = d[d.theme_id == theme].sort_values("year")
        err = [(t.share - t.lo) * 100, (t.hi - t.share) * 100]
        ax.errorbar(t.year, t.share * 100, yerr=err, marker="o", color=OKABE_ITO[0], capsize=3)
        ax.set_title(_theme_label(theme, names), fontsize=13, loc="left")
        ax.set_ylim(0, ymax)
        # every panel on the same years, so that a theme found in one year is not stretched
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=6))
    fig.supylabel(_t("占叶节点字数的百分比(%)", "Share of characters in leaf sections (%)"), fontsize=13)
    return _finish_panels(fig, title, source)


def _zh_number(v: float, _pos=None) -> str:
    """An axis number as a Chinese reader writes it: 150万亿, 1.2亿, 63万, 5.5 (never 1.5e+06亿)."""
    for size, word in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(v) >= size:
            x = v / size
            return f"{x:,.0f}{word}" if abs(x) >= 1000 else f"{x:,.4g}{word}"
    return f"{v:,.4g}"


def indicator_over_time(timeline: pd.DataFrame, source: str, top: int = 8) -> plt.Figure:
    """Each comparable indicator over the years: targets (hollow) and results (filled), one
    panel per indicator group, each on its own axis starting at zero."""
    title = _t("可比指标的逐年目标与完成值", "Comparable indicators over the years: targets and results")
    if timeline.empty:
        return _empty(
            title, _t("没有在两份以上文件中出现的可比指标", "No indicator appears in two or more documents"), source
        )
    groups = timeline.group.value_counts().index[:top]
    fig, axes = _panels(len(groups))
    axes = axes.ravel()
    for ax, g in zip(axes, groups):
        t = timeline[timeline.group == g]
        year = t.ref_year.fillna(t.year).astype(float)
        marks = (("target", "none", _t("目标", "target")), ("actual", OKABE_ITO[0], _t("完成", "result")))
        for kind, face, label in marks:
            k = t.kind == kind
            ax.scatter(year[k], t.value[k], facecolors=face, edgecolors=OKABE_ITO[0], s=50, label=label)
        ax.set_title(f"{t.group_label.iloc[0]}({t.unit.iloc[0]})", fontsize=13, loc="left")
        ax.set_ylim(0, float(t.value.max()) * 1.15 or 1.0)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_zh_number))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=6))
    axes[0].legend(frameon=False, fontsize=11)
    return _finish_panels(fig, title, source)


#: The x axis of plan_vs_result stops here (%); longer bars are cut and labelled.
RATIO_CAP = 300.0


def _pair_label(plan: str, result: str) -> str:
    """'天津市 2012 → 2013' when both documents are of one place, else both names in full."""
    place, _, year = result.rpartition(" ")
    return f"{plan} → {year}" if place and plan.startswith(place + " ") else f"{plan} → {result}"


def _rank(documents: pd.DataFrame | None) -> dict:
    """doc_id -> its position by jurisdiction and year (unknown documents last)."""
    order = _doc_order(documents, documents.doc_id) if documents is not None else []
    return defaultdict(lambda: len(order), {d: i for i, d in enumerate(order)})


#: Up to this many linked targets plan_vs_result draws one bar each; beyond, one stacked bar
#: per pair of documents (met / not met / unclear), so the chart keeps its 16:9 size.
PLAN_BARS_MAX = 24


def plan_vs_result(links: pd.DataFrame, source: str, documents: pd.DataFrame | None = None) -> plt.Figure:
    """Each linked target: the result as a share of the target (100% = the target reached),
    coloured by whether it was met; beyond ``PLAN_BARS_MAX`` links, how many targets of each
    plan were met, not met or unclear in the next document."""
    title = _t("计划目标与次年报告的完成值(完成值 ÷ 目标值)", "Plan targets against the results reported next")
    linked = links[links.met.isin(["yes", "no", "unclear"])]
    if linked.empty:
        return _empty(
            title,
            _t("后一份文件没有报告这些目标的完成情况", "The next document reports no result for these targets"),
            source,
        )
    colours = {"yes": OKABE_ITO[2], "no": OKABE_ITO[5], "unclear": "#999999"}
    met_labels = {"yes": _t("完成", "met"), "no": _t("未完成", "not met"), "unclear": _t("口径不明", "unclear")}
    names = doc_labels(documents) if documents is not None else {}
    pair = [_pair_label(names.get(p, p), names.get(r, r)) for p, r in zip(linked.plan_doc_id, linked.result_doc_id)]
    handles = [matplotlib.patches.Patch(color=colours[m], label=met_labels[m]) for m in colours if m in set(linked.met)]
    if len(linked) > PLAN_BARS_MAX:
        tab = linked.assign(pair=pair).pivot_table(
            index="pair", columns="met", values="target_id", aggfunc="count", sort=False
        )
        tab = tab.reindex(columns=[m for m in colours if m in tab.columns]).fillna(0)
        order = linked.assign(pair=pair).sort_values(["plan_doc_id"], key=lambda c: c.map(_rank(documents))).pair
        fig, ax = _stacked_barh(tab.loc[list(dict.fromkeys(order))], colours, met_labels, by_total=False)
        ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.xaxis.get_major_locator().set_params(integer=True)
        title = _t("计划目标在次年报告中的完成情况", "Plan targets: met, not met or unclear in the next report")
        return _finish(fig, ax, title, _t("目标个数", "Number of targets"), "", source)
    linked = linked.assign(ratio=linked.actual_value.abs() / linked.target_value.abs().where(lambda v: v > 0) * 100)
    linked = linked.assign(pair=pair).dropna(subset=["ratio"]).sort_values("ratio")
    fig, ax = plt.subplots()
    y = np.arange(len(linked))
    # a few ratios in the thousands would squeeze the rest against the axis: bars stop at the
    # cap, and the true figure is written beside them
    cap = max(200.0, min(float(linked.ratio.max()), RATIO_CAP))
    ax.barh(y, linked.ratio.clip(upper=cap), color=[colours[m] for m in linked.met], height=0.6)
    for yi, r in zip(y, linked.ratio):
        if r > cap:
            ax.text(cap, yi, f" {r:,.0f}%", va="center", ha="right", color="white", fontsize=11)
    ax.axvline(100, color="#333333", linewidth=1, linestyle="--")
    ax.set_xlim(0, cap * 1.02)
    size = 12 if len(linked) <= 12 else 9
    ax.set_yticks(y, [f"{i[:18]}({p})" for i, p in zip(linked.indicator, linked.pair)], fontsize=size)
    ax.legend(handles=handles, frameon=False, loc="lower right")
    xlabel = _t("完成值占目标值的百分比(%;虚线 = 100%)", "Result as a share of the target (%; dashed = 100%)")
    return _finish(fig, ax, title, xlabel, "", source)

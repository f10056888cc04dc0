"""Charts that read with 2 documents and with 60, in Chinese by default, and report
parameters set on the command line."""

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.publish import plots

matplotlib.use("agg")
PLACES = ["武汉市", "宿迁市", "景德镇市", "天津市", "江苏省", "湖北省", "江西省", "安徽省", "重庆市", "福建省"]


def documents(n: int) -> pd.DataFrame:
    """n documents of 10 places over the years (2018, 2019, … per place)."""
    rows = [(f"d{i:02d}", PLACES[i % 10], 2018 + i // 10, "annual") for i in range(n)]
    return pd.DataFrame(rows, columns=["doc_id", "jurisdiction_zh", "year", "period"])


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("n", [2, 25, 60])
def test_theme_shares_of_2_to_60_documents_fit_one_chart(tmp_path, n):
    docs = documents(n)
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.dirichlet(np.ones(n), size=6), index=[f"t{i}" for i in range(6)], columns=docs.doc_id)
    fig = plots.theme_shares_compare(wide, plots.source_line(docs), None, docs)
    fig.savefig(tmp_path / "c.png", dpi=200)
    width, height = matplotlib.image.imread(tmp_path / "c.png").shape[1::-1]
    assert width <= 3000 and height <= 3000
    shown = texts(fig)
    assert "武汉市 2018" in shown  # documents by place and year, not by slug
    assert not [t for t in shown if re.fullmatch(r"d\d\d", t)]
    assert any("各文件各主题" in t for t in shown)  # Chinese by default
    src = plots.source_line(docs)
    assert len(src) <= plots.SOURCE_MAX_CHARS + 20


def test_one_colour_per_jurisdiction_lighter_for_earlier_years():
    docs = documents(20)
    colours = plots.doc_colours(docs)
    assert len(set(colours.values())) == 20
    hue = {p: matplotlib.colors.rgb_to_hsv(matplotlib.colors.to_rgb(colours[d]))[0]
           for d, p in zip(docs.doc_id, docs.jurisdiction_zh)}  # fmt: skip
    assert len(set(np.round(list(hue.values()), 2))) == 10
    early, late = (matplotlib.colors.to_rgb(colours[d]) for d in ("d00", "d10"))  # 武汉市 2018, 2019
    assert sum(early) > sum(late)  # the earlier one is lighter


def test_distinctive_terms_show_every_document():
    docs = documents(25)
    terms = pd.DataFrame(
        [(d, f"词{k}", 1.0, 5.0 - k, 3, 1, k + 1) for d in docs.doc_id for k in range(5)],
        columns=["group", "term", "log_odds", "z", "count_group", "count_rest", "rank"],
    )
    fig = plots.distinctive_terms(terms, "src", documents=docs)
    shown = texts(fig)
    assert all(f"{p} {y}" in shown for p, y in zip(docs.jurisdiction_zh, docs.year))


def test_the_similarity_heatmap_is_annotated_only_when_small():
    for n, annotated in ((5, True), (30, False)):
        docs = documents(n)
        sim = pd.DataFrame(
            [(a, b, 1.0 if a == b else 0.3) for a in docs.doc_id for b in docs.doc_id],
            columns=["doc_a", "doc_b", "similarity"],
        )
        shown = texts(plots.similarity_heatmap(sim, "src", docs))
        assert ("0.30" in shown) == annotated


def test_english_on_request_and_svg_text_stays_text(tmp_path):
    docs = documents(3).assign(jurisdiction_en=["Wuhan", "", None])
    wide = pd.DataFrame(np.full((2, 3), 1 / 3), index=["a", "b"], columns=docs.doc_id)
    plots.set_lang("en")
    try:
        fig = plots.theme_shares_compare(wide, plots.source_line(docs), None, docs)
        shown = texts(fig)
        assert any("Share of text by theme" in t for t in shown)
        assert {"Wuhan 2018", "宿迁市 2018", "景德镇市 2018"} <= set(shown)  # English name where known
    finally:
        plots.set_lang("zh")
    fig = plots.theme_shares_compare(wide, plots.source_line(docs), None, docs)
    fig.savefig(tmp_path / "c.svg")
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "各文件各主题的篇幅占比" in svg


def test_tables_in_reports_are_never_cut_by_pandas():
    """With 26 documents the theme table has 26 columns; pandas' default would show 20 and
    an ellipsis."""
    wide = pd.DataFrame(np.zeros((19, 26)), columns=[f"d{i:02d}" for i in range(26)])
    html = wide._repr_html_()
    assert "…" not in html and "..." not in html and "rows ×" not in html
    assert all(f"d{i:02d}" in html for i in range(26))


@pytest.mark.parametrize("n_links", [3, 60])
def test_plans_against_results_keep_their_size_at_any_number_of_links(tmp_path, n_links):
    """A bar per linked target up to PLAN_BARS_MAX (indicator and 'place year → year'); beyond,
    a bar per pair of documents counting met / not met / unclear. Always one 16:9 chart, in
    the order of the years."""
    docs = pd.DataFrame(
        {"doc_id": [f"d{y}" for y in range(2018, 2024)], "jurisdiction_zh": "天津市", "year": range(2018, 2024)}
    )
    rng = np.random.default_rng(0)
    plan = rng.integers(2018, 2023, n_links)
    links = pd.DataFrame(
        {
            "plan_doc_id": [f"d{y}" for y in plan],
            "result_doc_id": [f"d{y + 1}" for y in plan],
            "target_id": [f"t{i}" for i in range(n_links)],
            "indicator": "养老床位",
            "target_value": 100.0,
            "actual_value": rng.uniform(50, 150, n_links),
            "met": rng.choice(["yes", "no", "unclear"], n_links),
        }
    )
    fig = plots.plan_vs_result(links, "s", docs)
    fig.savefig(tmp_path / "p.png", dpi=200)
    assert matplotlib.image.imread(tmp_path / "p.png").shape[1::-1] == (2560, 1440)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    if n_links > plots.PLAN_BARS_MAX:
        pairs = [f"天津市 {y} → {y + 1}" for y in sorted(set(plan))]
        assert ticks == pairs[::-1]  # the earliest pair on top
        assert sum(p.get_width() for p in fig.axes[0].patches) == n_links
    else:
        assert len(ticks) == n_links and all(t.startswith("养老床位(天津市 20") for t in ticks)


def test_axis_numbers_read_as_a_chinese_reader_writes_them():
    """Large values in 万亿, 亿, 万, never in scientific notation (国内生产总值 in 元)."""
    from analysis.publish.plots import _zh_number

    assert [_zh_number(v) for v in (1.5e14, 1.2e8, 6.3e5, 5.5)] == ["150万亿", "1.2亿", "63万", "5.5"]
    assert "e+" not in _zh_number(2.5e16)


@pytest.mark.parametrize("n", [2, 30])
def test_comparable_targets_legend_keys_first_and_counts_the_rest(n):
    """The filled/hollow key is the legend's first two entries (it once sat on a document's
    entry); beyond COMPARABLE_LEGEND_MAX documents the rest are counted, not named."""
    docs = documents(n)
    comp = docs.assign(
        group="g",
        group_label="低保标准",
        unit="元",
        kind=["target", "actual"] * (n // 2),
        value=np.arange(n, dtype=float) + 500,
    )
    fig = plots.comparable_targets(comp, "来源:测试")
    entries = [t.get_text() for t in fig.legends[0].get_texts()]
    assert entries[:2] == ["目标", "实际(完成值或现行标准)"]
    named = min(n, plots.COMPARABLE_LEGEND_MAX)
    assert len(entries) == 2 + named + (n > named)
    assert entries[-1] == (f"等共 {n} 份文件" if n > named else f"{PLACES[(n - 1) % 10]} {2018 + (n - 1) // 10}")
    assert not [t for t in texts(fig) if t.startswith("实心")]  # no separate key laid over the legend


@pytest.mark.parametrize("n", [2, 60])
def test_specificity_names_every_document_without_overlap(n):
    """Every document is named; 60 names at 12 pt overlapped, so they shrink with their number."""
    docs = documents(n)
    spec = docs.assign(targets_per_10k_chars=np.arange(n, dtype=float), share_items_with_target=0.5)
    fig = plots.specificity(spec, "来源:测试")
    ticks = fig.axes[0].get_yticklabels()
    assert len(ticks) == n and "武汉市 2018" in [t.get_text() for t in ticks]
    size = ticks[0].get_fontsize()
    assert size == (12 if n == 2 else plots.BAR_LABEL_POINTS / n)

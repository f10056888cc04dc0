"""``minzheng brief``: the comparison as files an analyst takes into a briefing.

- a Word briefing (python-docx): headings, each chart with a numbered caption naming its
  sources, the takeaway line, and the key tables;
- a PowerPoint deck (python-pptx): a title slide, then one chart per slide under its
  takeaway line;
- an Excel workbook (openpyxl): one sheet per table, headers in Chinese, the header row
  frozen and filters on.

Charts come from :mod:`analysis.publish.plots` (PNG for the documents, SVG beside them with
their text kept as text). Load inputs (the built tables) / process (charts, takeaways) /
save outputs (the three files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import UserError
from analysis.extract.themes import theme_names, theme_shares
from analysis.publish import compare, plots
from analysis.publish.labels import readable
from analysis.store import read_table

__all__ = ["Chart", "write_brief"]


@dataclass
class Chart:
    """One chart of the briefing: its file, title and takeaway line."""

    name: str
    title: str
    takeaway: str
    png: Path


def _charts(t: dict[str, pd.DataFrame], out: Path, lang: str) -> list[Chart]:
    docs, sections, targets = t["documents"], t["sections"], t["targets"]
    source = plots.source_line(docs)
    names = theme_names()
    labels = plots.doc_labels(docs)
    saver = plots.FigureSaver(out / "figures", prefix="brief")
    zh = lang == "zh"
    charts = []

    def add(name: str, fig, title: str, takeaway: str) -> None:
        saver.save(fig, name)
        charts.append(Chart(name, title, takeaway, out / "figures" / f"brief-{name}.png"))

    shares = theme_shares(t["section_themes"], sections)
    wide = compare.theme_shares_wide(shares)
    top = wide.mean(axis=1).sort_values(ascending=False)
    top_name = names.set_index("theme_id").zh.get(top.index[0], top.index[0]) if len(top) else "-"
    add(
        "theme_shares",
        plots.theme_shares_compare(wide, source, names, docs),
        "各文件的主题篇幅" if zh else "Theme shares",
        (f"平均篇幅最大的主题是{top_name}({top.iloc[0] * 100:.0f}%)。" if zh else f"Largest theme: {top_name}.")
        if len(top)
        else "",
    )
    spec = compare.specificity(docs, sections, targets)
    best = spec.sort_values("targets_per_10k_chars", ascending=False)
    add(
        "specificity",
        plots.specificity(spec, source),
        "各文件的具体程度" if zh else "How concrete each plan is",
        f"每万字量化目标最多的是{labels[best.doc_id.iloc[0]]}({best.targets_per_10k_chars.iloc[0]:.1f} 个),"
        f"最少的是{labels[best.doc_id.iloc[-1]]}({best.targets_per_10k_chars.iloc[-1]:.1f} 个)。"
        if zh
        else f"Most concrete: {labels[best.doc_id.iloc[0]]}.",
    )
    comp = compare.comparable_targets(targets, docs)
    add(
        "comparable_targets",
        plots.comparable_targets(comp, source),
        "可比指标" if zh else "Comparable targets",
        f"{comp.group.nunique()} 个指标在两份以上文件中都有量化。"
        if zh
        else f"{comp.group.nunique()} indicators recur.",
    )
    sim = t["doc_similarity"]
    pairs = sim[sim.doc_a < sim.doc_b].sort_values("similarity", ascending=False)
    add(
        "similarity",
        plots.similarity_heatmap(sim, source, docs),
        "文件用词的相似程度" if zh else "Similarity of the documents",
        f"用词最相近的是{labels[pairs.doc_a.iloc[0]]}与{labels[pairs.doc_b.iloc[0]]}"
        f"(余弦 {pairs.similarity.iloc[0]:.2f})。"
        if zh and len(pairs)
        else "",
    )
    add(
        "distinctive_terms",
        plots.distinctive_terms(t["distinctive_terms"], source, documents=docs),
        "各文件的特色词" if zh else "Distinctive terms",
        "每份文件与其余文件相比最突出的词语。" if zh else "The terms that set each document apart.",
    )
    links = t["plan_results"]
    if len(links):
        reported = links[links.met != "not reported"]
        add(
            "plan_vs_result",
            plots.plan_vs_result(links, source, docs),
            "计划目标与完成情况" if zh else "Plans against results",
            f"{len(links)} 个目标中 {len(reported)} 个在次年报告中有完成数据,"
            f"其中 {int((reported.met == 'yes').sum())} 个完成。"
            if zh
            else f"{len(reported)} of {len(links)} targets are reported on.",
        )
    return charts


def _docx(path: Path, charts: list[Chart], t: dict[str, pd.DataFrame], lang: str) -> None:
    import docx
    from docx.shared import Cm, Pt

    zh = lang == "zh"
    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "Noto Sans CJK SC"  # creates the run properties the East Asian font goes in
    style.element.rPr.rFonts.set(docx.oxml.ns.qn("w:eastAsia"), "Noto Sans CJK SC")
    doc.add_heading("民政工作要点比较简报" if zh else "Civil-affairs work plans compared", level=0)
    doc.add_paragraph(f"{dt.date.today().isoformat()} · minzheng · {len(t['documents'])} 份文件")
    note = compare.confounding_note(t["documents"], lang)
    if note:
        doc.add_paragraph(note)
    doc.add_heading("文件" if zh else "Documents", level=1)
    _docx_table(doc, t["documents"][["doc_id", "jurisdiction_zh", "year", "genre", "title_zh", "n_items"]], lang)
    for k, c in enumerate(charts, 1):
        doc.add_heading(c.title, level=1)
        if c.takeaway:
            doc.add_paragraph(c.takeaway)
        doc.add_picture(str(c.png), width=Cm(16))
        source = plots.source_line(t["documents"])
        doc.add_paragraph(f"{'图' if zh else 'Figure'} {k}:{c.title}。{source}", style="Caption")
    comp = compare.comparable_targets(t["targets"], t["documents"])
    if len(comp):
        doc.add_heading("可比指标明细" if zh else "Comparable targets", level=1)
        _docx_table(doc, comp[["group_label", "jurisdiction_zh", "year", "kind", "raw", "indicator"]].head(40), lang)
    doc.save(path)


def _docx_table(doc, df: pd.DataFrame, lang: str) -> None:
    df = readable(df, lang)
    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Light Grid Accent 1"
    for cell, col in zip(table.rows[0].cells, df.columns):
        cell.text = col
    for row in df.itertuples(index=False):
        cells = table.add_row().cells
        for cell, v in zip(cells, row):
            cell.text = "" if pd.api.types.is_scalar(v) and pd.isna(v) else str(v)  # <NA> and NaN read as blank


def _pptx(path: Path, charts: list[Chart], t: dict[str, pd.DataFrame], lang: str) -> None:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = "民政工作要点比较" if lang == "zh" else "Civil-affairs work plans compared"
    title.placeholders[1].text = f"{len(t['documents'])} 份文件 · {dt.date.today().isoformat()} · minzheng"
    for c in charts:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        slide.shapes.title.text = c.takeaway or c.title
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(24)
        slide.shapes.add_picture(str(c.png), Inches(0.9), Inches(1.5), height=Inches(5.6))
    prs.save(path)


def _xlsx(path: Path, t: dict[str, pd.DataFrame], lang: str) -> None:
    primary = t["section_themes"][t["section_themes"].is_primary]
    sheets = {
        "文件" if lang == "zh" else "documents": t["documents"],
        "主题" if lang == "zh" else "themes": primary.merge(
            t["sections"][["section_id", "title"]], on="section_id", how="left"
        ),
        "量化指标" if lang == "zh" else "targets": t["targets"],
        "计划与完成" if lang == "zh" else "plan_results": t["plan_results"],
    }
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            readable(df, lang).to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = ws.dimensions
            for col in ws.columns:
                width = max(len(str(c.value or "")) for c in list(col)[:200])
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width * 1.6))


def write_brief(
    root: Path | str = ".", out: Path | str | None = None, doc_ids: list[str] | None = None, lang: str = "zh"
) -> dict[str, Path]:
    """Write ``brief.docx``, ``brief.pptx`` and ``brief.xlsx`` (and their charts) to ``out``.

    Raises:
        UserError: an unknown document, or a language other than zh and en.
    """
    if lang not in ("zh", "en"):
        raise UserError(f"--lang {lang}: choose zh or en")
    root = Path(root)
    names = [
        "documents",
        "sections",
        "section_themes",
        "targets",
        "doc_similarity",
        "distinctive_terms",
        "plan_results",
    ]
    t = {n: read_table(n, root) for n in names}
    if doc_ids:
        unknown = sorted(set(doc_ids) - set(t["documents"].doc_id))
        if unknown:
            raise UserError(f"unknown document(s) {', '.join(unknown)}: see data/manifest.csv")
        for n, df in t.items():
            col = {"doc_similarity": "doc_a", "distinctive_terms": "group", "plan_results": "plan_doc_id"}.get(
                n, "doc_id"
            )
            t[n] = df[df[col].isin(doc_ids)]
        t["doc_similarity"] = t["doc_similarity"][t["doc_similarity"].doc_b.isin(doc_ids)]
    out = Path(out) if out else root / "reports" / f"brief-{dt.date.today().isoformat()}"
    (out / "figures").mkdir(parents=True, exist_ok=True)
    was = plots.LANG
    plots.set_lang(lang)
    try:
        charts = _charts(t, out, lang)
    finally:
        plots.set_lang(was)
    files = {"docx": out / "brief.docx", "pptx": out / "brief.pptx", "xlsx": out / "brief.xlsx"}
    _docx(files["docx"], charts, t, lang)
    _pptx(files["pptx"], charts, t, lang)
    _xlsx(files["xlsx"], t, lang)
    return files

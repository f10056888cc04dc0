"""Real documents in: web pages, Word and PDF files, run-in and broken lines, regulations,
unnumbered parts, government work reports, and `minzheng add URL`."""

import functools
import html
import http.server
import io
import json
import random
import threading
import zipfile

import pandas as pd
import pytest
from conftest import GOLD, RAW, SEEDS

from analysis.cli import main
from analysis.evaluate import score_outline
from analysis.parse.outline import coverage_problems
from analysis.pipeline import process

TEXT = {d: (RAW / f"{d}.txt").read_text(encoding="utf-8") for d in SEEDS}
GOLD_OUTLINE = json.loads((GOLD / "outline.json").read_text(encoding="utf-8"))


def as_html(text: str, title: str) -> bytes:
    """A government page around the text: navigation, a toolbar, scripts and a footer."""
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_某市民政局</title>
<script>var track = "http://example.invalid/t.js";</script><style>p {{ margin: 0 }}</style></head>
<body><div class="nav"><a href="/">首页</a> <a href="/a">机构概况</a> <a href="/b">政务公开</a></div>
<div class="toolbar">【字号：<a>大</a> <a>中</a> <a>小</a>】 <a>打印</a> <a>关闭</a></div>
<div class="article">{body}</div>
<div class="footer">版权所有：某市民政局 电话：027-12345678 网站标识码4201000001 鄂ICP备12345号</div>
</body></html>""".encode()


def as_docx(text: str) -> bytes:
    import docx

    doc = docx.Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def as_pdf(text: str, width: int = 38, per_page: int = 45, page_numbers: bool = False) -> bytes:
    """A text PDF (matplotlib, TrueType text) with each paragraph wrapped at ``width``, and with
    ``page_numbers`` an official document's page number (— 3 —) under each page."""
    import matplotlib

    from analysis.publish import plots  # noqa: F401  (registers the CJK font)

    matplotlib.use("agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    lines = []
    for para in text.splitlines():
        para = para.strip()
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        if para:
            lines.append(para)
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buf) as pdf:
        for p in range(0, len(lines), per_page):
            fig = Figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines[p : p + per_page]):
                fig.text(0.06, 0.96 - i * 0.02, line, fontsize=9)
            if page_numbers:
                fig.text(0.45, 0.03, f"— {p // per_page + 1} —", fontsize=9)
            pdf.savefig(fig)
    return buf.getvalue()


def outline_of(res) -> list[tuple[int, str]]:
    s = res.sections
    return list(zip(s.level, s.title.str[:12]))


def quantities(res) -> list[tuple]:
    return sorted(map(tuple, res.targets[["value", "unit", "kind", "indicator"]].values.tolist()))


@pytest.mark.parametrize("doc", ["wuhan-2018", "jingdezhen-2021", "suqian-2018q1", "tianjin-2012"])
def test_a_web_page_gives_the_outline_and_targets_of_its_text(doc):
    text = process(TEXT[doc].encode(), doc)
    page = process(as_html(TEXT[doc], "某某工作要点"), doc, f"{doc}.html")
    assert page.decoded.encoding == "html"
    assert outline_of(page)[1:] == outline_of(text)[1:]
    assert quantities(page) == quantities(text)
    assert not page.sections.text.str.contains("ICP备|var track|首页", regex=True).any()
    assert coverage_problems(len(page.decoded.text), page.sections, page.quality_issues) == []


def test_a_page_without_its_title_in_the_body_gets_it_from_the_title_tag():
    res = process(as_html("一、养老服务\n(一)新增养老床位200张。\n", "2031年某市民政工作要点"), "d", "d.html")
    assert res.sections.title.iloc[0] == "2031年某市民政工作要点"
    assert res.header["title_zh"] == "2031年某市民政工作要点"


@pytest.mark.parametrize("doc", ["wuhan-2018", "jiangsu-2014"])
def test_a_word_file_gives_the_outline_and_targets_of_its_text(doc):
    text = process(TEXT[doc].encode(), doc)
    word = process(as_docx(TEXT[doc]), doc, f"{doc}.docx")
    assert word.decoded.encoding == "docx"
    assert outline_of(word) == outline_of(text)
    assert quantities(word) == quantities(text)


@pytest.mark.parametrize("doc", ["jingdezhen-2021", "tianjin-2012"])
def test_a_hard_wrapped_pdf_gives_the_gold_outline(doc):
    """PDF text comes one printed line at a time; the cut paragraphs are joined again."""
    res = process(as_pdf(TEXT[doc]), doc, f"{doc}.pdf")
    assert res.decoded.encoding == "pdf"
    score = score_outline(res.sections, {doc: GOLD_OUTLINE[doc]}).iloc[0]
    assert score.parts_titles_matched == score.parts_expected
    assert score.items_titles_matched >= 0.9 * score.items_expected
    text = process(TEXT[doc].encode(), doc)
    found, want = set(quantities(res)), set(quantities(text))
    assert len(found & want) >= 0.9 * len(want)


@pytest.mark.parametrize("doc", ["jingdezhen-2021", "tianjin-2012"])
def test_page_numbers_of_a_pdf_are_removed_and_do_not_cut_paragraphs(doc):
    """Short pages, so that page breaks fall inside paragraphs, item titles and figures: with
    a page number (— 3 —) under each page, the outline and the quantities are those of the
    same PDF without them, and no page number is left in a section."""
    plain = process(as_pdf(TEXT[doc], per_page=7), doc, f"{doc}.pdf")
    numbered = process(as_pdf(TEXT[doc], per_page=7, page_numbers=True), doc, f"{doc}.pdf")
    assert outline_of(numbered) == outline_of(plain)
    assert quantities(numbered) == quantities(plain)
    pages = numbered.quality_issues[numbered.quality_issues.kind == "page_number"]
    assert len(pages) >= 10 and pages.excerpt.str.fullmatch(r"— \d+ —").all()
    assert not numbered.sections.text.str.contains(r"— \d+ —").any()
    assert coverage_problems(len(numbered.decoded.text), numbered.sections, numbered.quality_issues) == []


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("scan.pdf", None, "without a text layer"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Word 97-2003"),
        ("old.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "WPS"),
        ("doc.ofd", "ofd", "OFD"),
    ],
)
def test_formats_that_cannot_be_read_get_one_line_saying_how_to_convert(tmp_path, capsys, name, data, says):
    if data is None:  # a page that is an image: no text layer
        import matplotlib

        matplotlib.use("agg")
        from matplotlib.figure import Figure

        buf = io.BytesIO()
        fig = Figure()
        fig.add_artist(matplotlib.patches.Rectangle((0.1, 0.1), 0.5, 0.5))
        fig.savefig(buf, format="pdf")
        data = buf.getvalue()
    elif data == "ofd":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("OFD.xml", "<ofd:OFD/>")
        data = buf.getvalue()
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["outline", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0] and ("convert" in err[0] or "OCR" in err[0] or "export" in err[0])


def test_text_scraped_onto_one_line_keeps_its_outline():
    doc = "jingdezhen-2021"
    res = process(TEXT[doc].replace("\n", "").encode(), doc)
    score = score_outline(res.sections, {doc: GOLD_OUTLINE[doc]}).iloc[0]
    assert (score.parts_titles_matched, score.items_titles_matched) == (11, 38)
    assert coverage_problems(len(res.decoded.text), res.sections, res.quality_issues) == []


@pytest.mark.parametrize("doc", ["wuhan-2018", "jingdezhen-2021", "suqian-2018q1", "tianjin-2012"])
def test_lines_broken_inside_paragraphs_are_joined(doc):
    """As in a capture whose lines break at every hyperlink: each long line is cut once, away
    from a sentence end; the outline and the quantities stay those of the clean text."""
    rng = random.Random(7)
    out = []
    for line in TEXT[doc].split("\n"):
        if len(line) > 80:
            k = rng.randrange(40, len(line) - 20)
            while line[k - 1] in "。;；!?" or line[k - 1].isdigit() or line[k].isdigit():
                k += 1
            out += [line[:k], line[k:]]
        else:
            out.append(line)
    broken = process("\n".join(out).encode(), doc)
    score = score_outline(broken.sections, {doc: GOLD_OUTLINE[doc]}).iloc[0]
    assert score.items_titles_matched == score.items_expected
    assert {q[:2] for q in quantities(broken)} == {q[:2] for q in quantities(process(TEXT[doc].encode(), doc))}
    assert "broken_line" in set(broken.quality_issues.kind)


def test_a_licence_block_after_the_body_is_removed():
    text = (
        "一、养老服务\n(一)新增养老床位200张,建成站点3个。\n" * 10
        + "本作品是中华人民共和国的\n法律\n、\n法规\nPublic domain\nfalse\n"
    )
    res = process(text.encode(), "d")
    assert not res.sections.text.str.contains("Public domain|本作品", regex=True).any()


def test_a_regulation_nests_articles_under_chapters():
    text = (
        "某市居家养老服务条例\n第一章 总则\n第一条 为了规范居家养老服务,制定本条例。\n"
        "第二条 本条例适用于本市。\n第二章 服务\n第三条 按照每百户不低于30平方米的标准配置用房。\n"
        "第四条 提供下列服务:\n(一)助餐;\n(二)日间照料。\n第三章 附则\n第五条 本条例自2026年1月1日起施行。\n"
    )
    s = process(text.encode(), "d").sections
    assert s["style"].tolist() == ["preamble", "cn_zhang", "cn_tiao", "cn_tiao", "cn_zhang", "cn_tiao", "cn_tiao",
                                "cn_paren", "cn_paren", "cn_zhang", "cn_tiao"]  # fmt: skip
    assert s.level.tolist() == [0, 1, 2, 2, 1, 2, 2, 3, 3, 1, 2]
    assert s[s.level == 2].label_n.tolist() == [1, 2, 3, 4, 5]
    t = process(text.encode(), "d").targets
    assert t[["value", "unit", "kind"]].values.tolist() == [[30.0, "平方米", "actual"]]  # a standard in force


def test_a_government_work_report_reviews_results_and_sets_targets():
    text = (
        "2026年某省政府工作报告\n各位代表:\n"
        "“十四五”时期和2025年工作回顾\n全省地区生产总值达到6.2万亿元,城镇新增就业80万人。\n"
        "“十五五”时期主要目标和2026年重点工作\n"
        "一、稳增长\n(一)扩大内需。城镇新增就业70万人以上,居民消费价格涨幅2%左右。\n"
        "二、保民生\n(一)完善养老服务。新增养老床位5000张。\n"
    )
    res = process(text.encode(), "d")
    s = res.sections
    assert s[s.level == 1].title.str[:8].tolist() == ["“十四五”时期和", "“十五五”时期主"]
    assert s[s.level == 2].label_raw.tolist() == ["一、", "二、"]
    t = res.targets.set_index("raw")
    assert t.kind["80万人"] == "actual" and t.kind["70万人"] == "target" and t.kind["5000张"] == "target"


def test_a_site_toolbar_and_a_source_line_are_not_the_document():
    text = (
        "下载\n打印\n全屏\n收藏\n【字号:\n加大\n还原\n减小\n】\n2031年某市民政工作要点\n来源:某市民政局\n"
        "时间:2031-02-05\n一、养老服务\n(一)新增养老床位200张。\n(二)建成站点3个。\n"
    )
    res = process(text.encode(), "d")
    assert not res.sections.text.str.contains("全屏|减小|字号", regex=True).any()
    assert res.header["issued_date"] == "2031-02-05"


def test_add_fetches_a_page_and_records_where_it_came_from(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "plan.html").write_bytes(as_html(TEXT["tianjin-2012"], "2012年民政工作要点"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = tmp_path / "proj"
    try:
        url = f"http://127.0.0.1:{server.server_port}/plan.html"
        args = ["add", url, "--root", str(root), "--doc-id", "tj-2012", "--jurisdiction", "天津市", "--year", "2012"]
        assert main(args) == 0
        missing = f"http://127.0.0.1:{server.server_port}/nope.html"
        assert main(["add", missing, "--root", str(root), "--doc-id", "nope", "--year", "2012"]) == 2
    finally:
        server.shutdown()
    man = pd.read_csv(root / "data" / "manifest.csv", dtype=str, keep_default_na=False)
    row = man.set_index("doc_id").loc["tj-2012"]
    assert row.file == "tj-2012.html" and row.source_url == url and row.retrieved_at.startswith("20")
    assert (root / "data" / "raw" / "tj-2012.html").read_bytes() == (site / "plan.html").read_bytes()
    assert main(["build", "--root", str(root), "--no-progress", "--workers", "1"]) == 0
    docs = pd.read_parquet(root / "data" / "processed" / "documents.parquet")
    assert docs.encoding.tolist() == ["html"] and docs.n_items.tolist() == [19]


def test_a_url_row_added_to_an_older_manifest_extends_its_header(tmp_path):
    from analysis import manifest as mf

    path = tmp_path / "manifest.csv"
    old = "doc_id,file,jurisdiction_zh,year,genre\na-2012,a.txt,天津市,2012,work_plan\n"
    path.write_text(old, encoding="utf-8")
    mf.append_row(path, {"doc_id": "b-2031", "file": "b.html", "jurisdiction_zh": "某市", "year": "2031",
                         "genre": "work_plan", "source_url": "http://127.0.0.1/b.html"})  # fmt: skip
    man = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert man.columns.tolist() == ["doc_id", "file", "jurisdiction_zh", "year", "genre", "source_url"]
    assert man.source_url.tolist() == ["", "http://127.0.0.1/b.html"]
    assert man.file.tolist() == ["a.txt", "b.html"]


def test_a_second_copy_of_the_body_is_removed_not_counted_twice():
    """A capture that holds the article twice (the body repeated after the footer): the copy
    is a removed `duplicate_body` span, the outline and targets are those of one copy, and
    the coverage invariant holds."""
    text = TEXT["wuhan-2018"]
    body = text[text.index("一、") :]
    once, twice = process(text.encode(), "d"), process((text + "\n" + body).encode(), "d")
    assert quantities(twice) == quantities(once)
    assert outline_of(twice) == outline_of(once)
    assert (twice.quality_issues.kind == "duplicate_body").sum() > 20
    assert coverage_problems(len(twice.decoded.text), twice.sections, twice.quality_issues) == []
    assert "duplicate_body" not in set(once.quality_issues.kind)


def test_a_review_part_named_a_summary_or_achievements_reports_results():
    text = (
        "2026年某区政府工作报告\n一、2025年工作总结和“十四五”发展成就\n(一)经济。地区生产总值增长6%。\n"
        "二、2026年重点工作\n(一)稳增长。地区生产总值增长5.5%左右。\n"
    )
    t = process(text.encode(), "d").targets.set_index("raw")
    assert (t.kind["6%"], t.kind["5.5%"]) == ("actual", "target")


def test_a_pages_table_names_its_figures_from_their_own_cells():
    """A task table in a page comes out one row a line with its cells parted by tabs, as a
    Word file's table does, so a figure's indicator is its task, not the 责任单位 after it."""
    text = TEXT["jingdezhen-2021"]
    page = as_html(text, "某某工作要点").replace(
        b'<div class="article">',
        '<div class="article"><p>一、重点任务</p><table><tr><td>序号</td><td>任务</td><td>目标</td>'
        "<td>责任单位</td></tr><tr><td>1</td><td>新增养老床位</td><td>300张</td><td>养老服务科</td></tr>"
        "<tr><td>2</td><td>护理型床位占比</td><td>达到60%</td><td>养老服务科</td></tr></table>".encode(),
    )
    res = process(page, "d", "d.html")
    assert "1\t新增养老床位\t300张\t养老服务科" in res.decoded.text
    t = res.targets.set_index("raw")
    assert t.loc["300张", "indicator"] == "养老床位" and t.loc["60%", "indicator"] == "护理型床位占比"

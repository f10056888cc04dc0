"""Charts, notebooks and the report job."""

import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW, ROOT

from analysis.publish import plots
from analysis.publish.report import NOTEBOOKS, run_report


def test_chart_with_chinese_labels_renders_without_warnings(tmp_path):
    """A missing glyph shows up as a matplotlib warning; here every warning is an error."""
    shares = pd.DataFrame(
        {
            "doc_id": "d",
            "theme_id": ["elderly_care", "funeral_services"],
            "share": [0.7, 0.3],
            "lo": [0.5, 0.1],
            "hi": [0.9, 0.5],
            "n_sections": [3, 1],
        }
    )
    names = pd.DataFrame({"theme_id": ["elderly_care", "funeral_services"], "zh": ["养老服务和老龄工作", "殡葬管理"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.theme_mix(shares, "Source: 武汉市 2018 (wuhan-2018)", names)
        saver = plots.FigureSaver(tmp_path, prefix="t")
        saver.save(fig, "theme_mix")
    assert (tmp_path / "t-theme_mix.png").stat().st_size > 10_000
    assert (tmp_path / "t-theme_mix.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert matplotlib_family() == plots.FONT


def matplotlib_family():
    import matplotlib

    return matplotlib.rcParams["font.family"][0]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_are_thin_with_one_typed_parameters_cell(name):
    import jupytext
    import papermill

    script = ROOT / "notebooks" / f"{name}.py"
    src = script.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(def|class|lambda)\b", src, re.M), "notebooks only call the package"
    nb = jupytext.read(script)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in tagged[0].source.splitlines():
        assert re.match(r"\w+: (str|int|float|bool|list|dict) = .+  # .+", line), line
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    path = ROOT / "notebooks" / f".{name}.inspect.ipynb"
    try:
        jupytext.write(nb, path)
        params = papermill.inspect_notebook(str(path))
    finally:
        path.unlink(missing_ok=True)
    assert (
        "root" in params
        and all(p["help"] for p in params.values())
        and all(p["inferred_type_name"] != "None" for p in params.values())
    )


def project(tmp_path, notebooks=None):
    """A copy of the seed project in a temporary folder."""
    (tmp_path / "data").mkdir(parents=True)
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    shutil.copy(ROOT / "data" / "manifest.csv", tmp_path / "data" / "manifest.csv")
    shutil.copytree(notebooks or ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("*.ipynb"))
    return tmp_path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = project(tmp_path_factory.mktemp("proj"))
    out = root / "out"
    code = run_report(root, out=out, progress=False)
    return code, out


def test_report_smoke_runs_every_notebook(report):
    code, out = report
    assert code == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in run["reports"]] == ["ok"] * 7
    assert set(run["inputs"]) == {"wuhan-2018", "suqian-2018q1", "jingdezhen-2021", "tianjin-2012", "jiangsu-2014"}
    assert run["packages"]["matplotlib"] >= "3.11"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "民政工作要点比较 · 报告" in index and "✔ 完成" in index and "<th>报告</th>" in index  # Chinese by default
    for r in run["reports"]:
        assert f'href="{r["name"]}.html"' in index
        page = (out / f"{r['name']}.html").read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in page
        assert "missing from font" not in page and "findfont" not in page
        assert "read_table(" not in page  # no code in the published report
        assert not re.search(r"\d+ rows × \d+ columns", page)  # no table cut by pandas
        nb = json.loads((out / "notebooks" / f"{r['name']}.ipynb").read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
        assert not [o for o in outputs if o["output_type"] == "error"]
        assert not [o for o in outputs if o.get("name") == "stderr"], "a warning was printed"
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2
    assert len(list((out / "figures").glob("*.png"))) >= 10
    assert len(list((out / "figures").glob("*.svg"))) >= 10
    # Chinese by default: headings, notes and table headers, documents named as readers name them
    cross = (out / "cross_city.html").read_text(encoding="utf-8")
    assert "多地比较" in cross and "混杂了地区和时间" in cross and "<th" in cross and "文件编号" in cross
    assert "Read this first" not in cross and "Cross-city" not in cross
    assert "武汉市 2018" in cross
    assert "单个文件概览" in (out / "city_profile-wuhan-2018.html").read_text(encoding="utf-8")


def test_failed_notebook_is_reported_and_others_still_run(tmp_path):
    nbs = tmp_path / "nbs"
    shutil.copytree(ROOT / "notebooks", nbs, ignore=shutil.ignore_patterns("*.ipynb"))
    broken = (
        (nbs / "section_clusters.py")
        .read_text(encoding="utf-8")
        .replace('documents = read_table("documents", root)', 'documents = read_table("no_such_table", root)')
    )
    (nbs / "section_clusters.py").write_text(broken, encoding="utf-8")
    root = project(tmp_path / "p", nbs)
    code = run_report(root, out=root / "out", only="section_clusters", progress=False)
    assert code == 1
    run = json.loads((root / "out" / "run.json").read_text(encoding="utf-8"))
    assert run["reports"][0]["status"] == "failed" and "no_such_table" in run["reports"][0]["error"]
    assert "failed" in (root / "out" / "index.html").read_text(encoding="utf-8")


def test_empty_inputs_give_a_plain_message_not_a_warning():
    empty = pd.DataFrame(columns=["doc_id", "kind", "char_start", "excerpt", "action", "theme_id", "raw"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in (plots.quality_issues(empty, "s"), plots.targets_by_theme(empty, "s")):
            assert any("没有" in t.get_text() for t in fig.axes[0].texts)  # Chinese by default
        plots.set_lang("en")
        try:
            for fig in (plots.quality_issues(empty, "s"), plots.targets_by_theme(empty, "s")):
                assert any("No " in t.get_text() for t in fig.axes[0].texts)
        finally:
            plots.set_lang("zh")


def test_a_parameter_on_the_command_line_changes_the_report(tmp_path):
    """`minzheng report --param lang=en --param k=10`: typed by the parameters cell, applied
    to every notebook that takes it; a parameter no notebook takes, or a value of the wrong
    type, is one clear error."""
    from analysis.errors import UserError

    root = project(tmp_path / "p")
    out = root / "out"
    with pytest.raises(UserError, match="no report notebook takes it"):
        run_report(root, out=out, only="section_clusters", progress=False, params=["nope=1"])
    with pytest.raises(UserError, match="not a valid int"):
        run_report(root, out=out, only="section_clusters", progress=False, params=["k=ten"])
    assert run_report(root, out=out, only="section_clusters", progress=False, params=["lang=en", "k=10"]) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["reports"][0]["parameters"] == {"k": 10, "min_df": 2, "seed": 0, "lang": "en"}
    page = (out / "section_clusters.html").read_text(encoding="utf-8")
    assert "k = <strong>10</strong>" in page and "How many clusters?" in page and "聚类数" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "reports" in index and "✔ ok" in index and "<th>report</th>" in index
    svg = next((out / "figures").glob("section_clusters-k10-*-silhouette.svg")).read_text(encoding="utf-8")
    assert "Silhouette of the section clustering" in svg


def test_brief_writes_word_powerpoint_and_excel(tmp_path):
    import docx
    import openpyxl
    from pptx import Presentation

    from analysis.build import build
    from analysis.publish.brief import write_brief

    root = project(tmp_path / "p")
    build(root, progress=False)
    files = write_brief(root, out=tmp_path / "brief")
    doc = docx.Document(files["docx"])
    assert len(doc.inline_shapes) >= 5
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "民政工作要点比较简报" in headings and "各文件的主题篇幅" in headings
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图 ")]
    assert len(captions) >= 5 and all("来源" in c for c in captions)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "<NA>" not in cells and "nan" not in cells  # a missing title reads as blank
    slides = Presentation(files["pptx"]).slides
    assert len(slides) >= 6 and sum(len([s for s in sl.shapes if s.shape_type == 13]) for sl in slides) >= 5
    wb = openpyxl.load_workbook(files["xlsx"])
    assert {"文件", "主题", "量化指标"} <= set(wb.sheetnames)
    ws = wb["量化指标"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert {"数值", "单位", "指标", "类型"} <= {c.value for c in ws[1]}
    kinds = {c.value for c in next(col for col in ws.iter_cols() if col[0].value == "类型")[1:]}
    assert kinds <= {"目标", "实际"}  # codes read in Chinese too
    assert ws.max_row - 1 == len(pd.read_parquet(root / "data" / "processed" / "targets.parquet"))
    svg = next((tmp_path / "brief" / "figures").glob("*.svg")).read_text(encoding="utf-8")
    assert "<text" in svg


def test_cross_city_grouped_by_province(tmp_path):
    """`--param group_by=province`: the seeds' two Jiangsu documents become one group, named
    in the charts and tables by the province; an unknown grouping fails with its own message."""
    root = project(tmp_path / "p")
    out = root / "out"
    assert run_report(root, out=out, only="cross_city", progress=False, params=["group_by=province"]) == 0
    page = (out / "cross_city.html").read_text(encoding="utf-8")
    assert "按 <strong>所属省份</strong> 分组比较:4 组,共 5 份文件" in page
    svg = (out / "figures" / "cross_city-province-theme_shares.svg").read_text(encoding="utf-8")
    assert "江苏省" in svg and "宿迁市" not in svg.split("来源")[0]
    assert run_report(root, out=root / "bad", only="cross_city", progress=False, params=["group_by=city"]) == 1
    run = json.loads((root / "bad" / "run.json").read_text(encoding="utf-8"))
    assert "group_by" in run["reports"][0]["error"] or "by='city'" in run["reports"][0]["error"]


def test_every_text_a_notebook_shows_exists():
    """Each plots.say("<notebook>.<key>") in the notebooks names an entry of notebook_text.toml."""
    from analysis.publish.labels import text

    keys = {k for p in (ROOT / "notebooks").glob("*.py") for k in re.findall(r'say\(\s*"([\w.]+)"', p.read_text())}
    assert len(keys) >= 20
    for key in keys:
        assert text(key, "zh") and text(key, "en"), key


def test_long_tables_scroll_and_keep_every_row():
    """A table over TABLE_SCROLL_ROWS rows is in a scrolling box with its row count, every row
    in the HTML; a short one is a plain table. Headers follow the chart language."""
    many = pd.DataFrame({"kind": ["target"] * 3000, "value": range(3000)})
    html = plots.table(many)._repr_html_()
    assert "overflow:auto" in html and "共 3,000 行" in html and ">2999<" in html and "类型" in html
    short = plots.table(many.head(3))._repr_html_()
    assert "overflow" not in short and short.count("<tr") == 4


def _readme_block(after: str, lang: str = "sh") -> list[str]:
    """The lines of the first ```lang block after the text ``after`` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(after) :].split(f"```{lang}\n", 1)[1].split("```", 1)[0]
    return [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]


def test_readme_papermill_and_cron_lines_run(tmp_path):
    """The README's plain papermill block, run as written in a copy of the project whose .venv
    is this environment (`make notebooks` with STAMP= so that make never reinstalls), gives
    an English report of the two documents asked for; the cron line is a five-field entry
    whose command runs under sh with `make -n` (flock, redirection and target checked)."""
    import os
    import subprocess
    import sys

    from analysis.build import build

    root = project(tmp_path / "p")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    (root / ".venv").symlink_to(Path(sys.prefix))
    build(root, progress=False)
    env = dict(os.environ, PATH=f"{Path(sys.prefix) / 'bin'}:{os.environ['PATH']}")
    for line in _readme_block("With papermill itself"):
        cmd = line + " STAMP=" if line.startswith("make ") else line
        done = subprocess.run(cmd, shell=True, cwd=root, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{line}\n{done.stderr[-2000:]}"
    page = (root / "reports" / "cross_city-two.html").read_text(encoding="utf-8")
    assert "Cross-city comparison" in page and "多地比较" not in page
    assert "Tianjin 2012" in page and "Jingdezhen" not in page

    (cron,) = _readme_block("### Scheduling", "cron")
    fields = cron.split(None, 5)
    assert all(re.fullmatch(r"[\d*,/-]+", f) for f in fields[:5]), cron
    command = fields[5].replace("/srv/minzheng", str(root)).replace("/var/log/minzheng", str(tmp_path))
    command = command.replace("make report", "make -n report")
    done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "minzheng report" in (tmp_path / "report.log").read_text()

"""The command line: tables written, JSON shapes, and one clear line for bad input."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import RAW, ROOT

from analysis.cli import main

NEW_PLAN = """某某市民政局
索引号 000123/2031-00001 发布日期 2031-02-10
发布机构 某某市民政局
2031年全市民政工作要点

2031年全市民政工作的总体要求是:坚持以人民为中心。

一、养老服务
(一)加强养老设施建设。新增养老床位1200张,护理型床位占比达到60%以上。
(二)规范养老机构管理。开展等级评定。
二、社会救助
(三)提高救助标准。城乡低保标准提高5%。
"""


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def project(tmp_path):
    """A copy of the seed project data in a temporary folder."""
    (tmp_path / "data").mkdir()
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    shutil.copy(ROOT / "data" / "manifest.csv", tmp_path / "data" / "manifest.csv")
    return tmp_path


def one_line_error(proc, *words):
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for w in words:
        assert w in lines[0]
    return lines[0]


def test_outline_json_on_an_unseen_gb18030_file(tmp_path):
    f = tmp_path / "new.txt"
    f.write_bytes(NEW_PLAN.encode("gb18030"))
    proc = run("outline", str(f), "--json")
    assert proc.returncode == 0, proc.stderr
    sections = json.loads(proc.stdout)["sections"]
    for key in (
        "section_id",
        "level",
        "ordinal",
        "parent_id",
        "label_raw",
        "label_n",
        "title",
        "char_start",
        "char_end",
    ):
        assert key in sections[0]
    assert [(s["level"], s["title"]) for s in sections if s["level"] > 0] == [
        (1, "养老服务"),
        (2, "加强养老设施建设"),
        (2, "规范养老机构管理"),
        (1, "社会救助"),
        (2, "提高救助标准"),
    ]
    assert sections[0]["parent_id"] is None and sections[2]["parent_id"] == "new:1"


def test_outline_readable_table(tmp_path, capsys):
    f = tmp_path / "new.txt"
    f.write_text(NEW_PLAN, encoding="utf-8")
    assert main(["outline", str(f)]) == 0
    out = capsys.readouterr().out
    assert "new:1.2" in out and "(二) 规范养老机构管理" in out
    assert "2 parts, 3 items" in out


@pytest.mark.parametrize("command", ["outline", "targets", "themes"])
def test_single_file_commands_do_not_load_pandas(tmp_path, command):
    """``minzheng outline|targets|themes FILE`` print row tuples: pandas, pyarrow and numpy
    (0.4 s of a 0.7 s command) are never imported; their output is still the document's."""
    f = tmp_path / "new.txt"
    f.write_text(NEW_PLAN, encoding="utf-8")
    probe = (
        "import sys; from analysis.cli import main; rc = main([sys.argv[1], sys.argv[2]]);"
        "print('LOADED', sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules)); sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", probe, command, str(f)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "LOADED []" in proc.stdout
    assert "1,200" in proc.stdout or "new:2" in proc.stdout


def test_targets_table_lines_up_chinese_cells(tmp_path, capsys):
    """Every line of the targets table is as wide on screen as its header, CJK counted twice."""
    from analysis.cli import _width

    f = tmp_path / "new.txt"
    f.write_text(NEW_PLAN, encoding="utf-8")
    assert main(["targets", str(f)]) == 0
    lines = capsys.readouterr().out.splitlines()
    table, footer = lines[:-1], lines[-1]
    assert table[0].split() == [
        "section",
        "raw",
        "value",
        "from",
        "unit",
        "comparator",
        "kind",
        "indicator",
        "verb",
    ] + ["commitment"]
    assert any("养老床位" in ln and "1,200" in ln for ln in table)
    assert len({_width(ln) for ln in table}) == 1
    assert footer == "-- 3 quantities: 3 targets, 0 actual"


def test_binary_file_is_one_line_exit_2(tmp_path):
    f = tmp_path / "photo.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    one_line_error(run("outline", str(f)), "photo.png")


def test_missing_file_is_one_line_exit_2(tmp_path):
    one_line_error(run("outline", str(tmp_path / "nope.txt")), "no such file")


def test_build_writes_tables_and_summary(project):
    proc = run("build", "--no-progress", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "wuhan-2018" in proc.stdout and "n_items" in proc.stdout
    out = project / "data" / "processed"
    for t in ("documents", "sections", "quality_issues"):
        assert (out / f"{t}.parquet").exists()
        assert (out / f"{t}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig for Excel
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs.n_items.sum() == 157 and docs.n_parts.sum() == 39
    assert docs.source_sha256.str.len().eq(64).all()
    csv = pd.read_csv(out / "sections.csv", encoding="utf-8-sig")
    assert "养老服务和老龄工作" in set(csv.title)


def test_build_warns_about_files_without_manifest_row(project):
    (project / "data" / "raw" / "stray.txt").write_text(NEW_PLAN, encoding="utf-8")
    proc = run("build", "--no-progress", cwd=project)
    assert proc.returncode == 0
    assert "stray.txt" in proc.stderr and "warning" in proc.stderr


@pytest.mark.parametrize(
    "edit,words",
    [
        (lambda df: df.assign(genre=df.genre.where(df.doc_id != "tianjin-2012", "")), ["tianjin-2012", "genre", ":5"]),
        (lambda df: df.assign(file=df.file.where(df.doc_id != "wuhan-2018", "gone.txt")), ["wuhan-2018", "gone.txt"]),
        (lambda df: pd.concat([df, df.iloc[[1]]]), ["duplicate doc_id", "suqian-2018q1"]),
        (lambda df: df.assign(year=df.year.where(df.doc_id != "jiangsu-2014", "14")), ["jiangsu-2014", "year"]),
        (lambda df: df.drop(columns=["genre"]), ["missing column", "genre"]),
    ],
)
def test_bad_manifest_is_one_line_naming_the_row(project, edit, words):
    path = project / "data" / "manifest.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(df).to_csv(path, index=False)
    one_line_error(run("build", "--no-progress", cwd=project), *words)


def test_add_copies_file_appends_row_and_guesses_metadata(project, tmp_path):
    src = tmp_path / "incoming.txt"
    src.write_text(NEW_PLAN, encoding="utf-8")
    before = (project / "data" / "manifest.csv").read_bytes()
    proc = run("add", str(src), "--doc-id", "mou-2031", "--jurisdiction-en", "Moumou", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "guessed year = 2031" in proc.stderr and "guessed jurisdiction_zh = 某某市" in proc.stderr
    after = (project / "data" / "manifest.csv").read_bytes()
    assert after.startswith(before)  # nothing the user had is rewritten
    man = pd.read_csv(project / "data" / "manifest.csv", dtype=str, keep_default_na=False)
    row = man[man.doc_id == "mou-2031"].iloc[0]
    assert (row.jurisdiction_zh, row.year, row.genre, row.title_zh) == (
        "某某市",
        "2031",
        "work_plan",
        "2031年全市民政工作要点",
    )
    assert row.issued_date == "2031-02-10" and row.publisher_zh == "某某市民政局"
    assert (project / "data" / "raw" / "mou-2031.txt").read_bytes() == src.read_bytes()
    # the same doc_id again is refused, and nothing is overwritten
    one_line_error(run("add", str(src), "--doc-id", "mou-2031", cwd=project), "mou-2031", "already")
    assert (project / "data" / "manifest.csv").read_bytes() == after
    # and the new document builds
    assert run("build", "--no-progress", cwd=project).returncode == 0


def test_add_without_required_field_names_it(project, tmp_path):
    src = tmp_path / "bare.txt"
    src.write_text("一、养老服务\n(一)加强设施建设。新增床位。\n", encoding="utf-8")
    one_line_error(run("add", str(src), cwd=project), "--jurisdiction")

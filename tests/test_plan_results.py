"""Across years: the year a figure refers to, and plans held against their results."""

import json
import shutil

import pandas as pd
import pytest

from analysis.cli import main
from analysis.corpus.plan_results import link, met
from analysis.extract.periods import reference

PLAN_2030 = """2030年某省政府工作报告
——2030年1月20日在某省人民代表大会上
一、2029年工作回顾
全省地区生产总值增长6%,城镇新增就业60万人。
过去五年,累计新增就业300万人。
二、2030年重点工作
今年主要预期目标是:地区生产总值增长5.5%左右;城镇新增就业60万人以上;城镇调查失业率5.5%以内;
居民消费价格涨幅3%左右;单位地区生产总值能耗降低2.5%左右;新增养老床位8000张。
"""

REPORT_2031 = """2031年某省政府工作报告
——2031年1月18日在某省人民代表大会上
一、2030年工作回顾
全省地区生产总值增长5.1%,城镇新增就业63万人,城镇调查失业率5.2%,居民消费价格上涨0.4%。
单位地区生产总值能耗下降3.1%。与去年预算相比,城镇新增就业支出增长12%。
“十五五”时期,累计新增养老床位4万张。
二、2031年重点工作
今年主要预期目标是:地区生产总值增长5.5%左右;城镇新增就业60万人以上;新增养老床位9000张。
"""


def two_years(root):
    """A project with the 2030 report and the 2031 report of one province."""
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "p.txt").write_text(PLAN_2030, encoding="utf-8")
    (raw / "r.txt").write_text(REPORT_2031, encoding="utf-8")
    (root / "data" / "manifest.csv").write_text(
        "doc_id,file,jurisdiction_zh,year,genre\n"
        "mou-2030,p.txt,某省,2030,government_work_report\nmou-2031,r.txt,某省,2031,government_work_report\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "kind, genre, part, before, want",
    [
        ("target", "work_plan", "一、养老服务", "新增养老床位", (2030, "")),  # a plan: its own year
        ("actual", "government_work_report", "一、2029年工作回顾", "城镇新增就业", (2029, "")),
        ("actual", "government_work_report", "一、工作回顾", "城镇新增就业", (2029, "")),  # the year before
        ("actual", "government_work_report", "", "过去五年,累计新增就业", (None, "2025-2029")),
        ("actual", "government_work_report", "", "“十四五”时期,累计建成", (None, "2021-2025")),
        ("target", "work_plan", "", "到2035年,养老床位达到", (2035, "")),
        ("actual", "progress_report", "", "比2025年增长", (2030, "")),  # a baseline year is not the year
        ("actual", "government_work_report", "", "去年,城镇新增就业", (2029, "")),
    ],
)
def test_the_year_a_figure_refers_to(kind, genre, part, before, want):
    assert reference(kind, genre, 2030, part, before) == want


@pytest.mark.parametrize(
    "target, comparator, actual, unit, want",
    [
        (60, ">=", 63, "人", "yes"),
        (60, ">=", 59, "人", "no"),
        (5.5, "<=", 5.2, "%", "yes"),
        (3, "~", 0.4, "%", "no"),  # far below an approximate level is not met either
        (5.5, "~", 5.1, "%", "yes"),  # within 0.5 percentage points
        (100, "~", 109, "亿元", "yes"),  # within 10 % for amounts
        (100, "~", 89, "亿元", "no"),
        (2.5, "~", 3.1, "%", "no"),
        (2.5, "=", 3.1, "%", "yes"),  # a level to reach: declines compared as positive numbers
        (8000, "=", 7000, "张", "no"),
    ],
)
def test_met_follows_the_comparator(target, comparator, actual, unit, want):
    assert met(target, comparator, actual, unit) == want


def _targets(rows):
    cols = ["target_id", "doc_id", "kind", "value", "unit", "comparator", "indicator", "verb", "sentence",
            "ref_year", "ref_period"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).astype({"ref_year": "Int64"})


def test_link_takes_results_of_the_plans_year_only():
    """plan 2030: 就业 60万 >=, 床位 8000 =      report 2031: 就业 63万 (2030, actual),
    就业 60万 (2031, target: the new plan's wording), 床位 4万 (a five-year total),
    就业支出 12% (a budget comparison)
    -> 就业 linked to 63万 and met; 床位 not reported."""
    plan = _targets(
        [
            ("p:1", "p", "target", 600000, "人", ">=", "城镇新增就业", "新增", "城镇新增就业60万人以上", 2030, ""),
            ("p:2", "p", "target", 8000, "张", "=", "养老床位", "新增", "新增养老床位8000张", 2030, ""),
        ]
    )
    result = _targets(
        [
            ("r:1", "r", "actual", 630000, "人", "=", "城镇新增就业", "新增", "城镇新增就业63万人", 2030, ""),
            ("r:2", "r", "target", 600000, "人", ">=", "城镇新增就业", "新增", "城镇新增就业60万人以上", 2031, ""),
            ("r:3", "r", "actual", 40000, "张", "=", "养老床位", "新增", "累计新增养老床位4万张", None, "2026-2030"),
            ("r:4", "r", "actual", 12, "%", "=", "就业支出", "增长", "与去年预算相比,就业支出增长12%", 2030, ""),
        ]
    )
    got = link(plan, result, 2030).set_index("target_id")
    assert (got.actual_id["p:1"], got.actual_value["p:1"], got.met["p:1"]) == ("r:1", 630000.0, "yes")
    assert pd.isna(got.actual_id["p:2"]) and pd.isna(got.actual_value["p:2"]) and got.met["p:2"] == "not reported"


def test_plan_results_on_a_plan_and_the_next_years_report(tmp_path, capsys):
    plan, report = tmp_path / "plan.txt", tmp_path / "report.txt"
    plan.write_text(PLAN_2030, encoding="utf-8")
    report.write_text(REPORT_2031, encoding="utf-8")
    assert main(["plan-results", str(plan), str(report), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    links = {x["indicator"]: (x["target_value"], x["actual_value"], x["met"]) for x in out["links"]}
    assert out["year"] == 2030
    assert links["地区生产总值增长"] == (5.5, 5.1, "yes")  # about 5.5 %: 5.1 is within 0.5 points
    assert links["城镇新增就业"] == (600000.0, 630000.0, "yes")
    assert links["城镇调查失业率"] == (5.5, 5.2, "yes")  # at most 5.5 %
    assert links["居民消费价格涨幅"] == (3.0, 0.4, "no")
    assert links["单位地区生产总值能耗降低"] == (2.5, 3.1, "no")  # about 2.5 %: 3.1 is 0.6 points off
    assert not [k for k in links if "养老床位" in k]  # only a five-year total is reported
    assert all(x["actual_value"] != 12 for x in out["links"])  # the budget comparison
    first = out["links"][0]
    assert set(first) == {"indicator", "target_value", "target_unit", "target_comparator", "target_surface",
                          "actual_value", "actual_unit", "actual_surface", "met"}  # fmt: skip


def test_the_build_holds_each_plan_against_the_next_document_of_its_jurisdiction(tmp_path):
    two_years(tmp_path)
    assert main(["build", "--root", str(tmp_path), "--no-progress", "--workers", "1"]) == 0
    pr = pd.read_parquet(tmp_path / "data" / "processed" / "plan_results.parquet")
    assert set(pr.plan_doc_id) == {"mou-2030"} and set(pr.result_doc_id) == {"mou-2031"}
    assert "yes" in set(pr.met) and "not reported" in set(pr.met)
    t = pd.read_parquet(tmp_path / "data" / "processed" / "targets.parquet")
    five = t[t.sentence.str.contains("过去五年")]
    assert five.ref_year.isna().all() and (five.ref_period == "2025-2029").all()
    shutil.rmtree(tmp_path / "data" / "processed")


def test_a_jurisdiction_timeline_report_runs_for_a_place_with_two_years(tmp_path):
    from conftest import ROOT

    from analysis.publish.report import run_report

    two_years(tmp_path)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("*.ipynb"))
    out = tmp_path / "out"
    assert run_report(tmp_path, out=out, only="jurisdiction_timeline", progress=False) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["parameters"], r["status"]) for r in run["reports"]] == [
        ("jurisdiction_timeline-1", {"jurisdiction": "某省"}, "ok")
    ]
    page = (out / "jurisdiction_timeline-1.html").read_text(encoding="utf-8")
    assert "计划目标与完成情况" in page and "Traceback" not in page
    charts = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert [c.split("-")[-1] for c in charts] == [
        "indicators_by_year.png",
        "plan_vs_result.png",
        "theme_shares_by_year.png",
    ]


def test_task_changes_counts_new_continued_and_dropped():
    """a (2030): 养老 床位 建设 | 低保 救助 标准      b (2031): 养老 床位 建设 | 婚姻 登记 服务
    -> 1 continued (养老), 1 new (婚姻), 1 dropped (低保)."""
    from analysis.publish.compare import task_changes

    st = pd.DataFrame(
        {
            "section_id": ["a:1", "a:2", "b:1", "b:2"],
            "doc_id": ["a", "a", "b", "b"],
            "terms": [
                ["养老", "床位", "建设"],
                ["低保", "救助", "标准"],
                ["养老", "床位", "建设"],
                ["婚姻", "登记", "服务"],
            ],
        }
    )
    docs = pd.DataFrame({"doc_id": ["b", "a"], "year": [2031, 2030]})
    got = task_changes(st, docs, 0.3)
    want = pd.DataFrame(
        {
            "doc_a": ["a"],
            "doc_b": ["b"],
            "year_a": [2030],
            "year_b": [2031],
            "continued": [1],
            "new": [1],
            "dropped": [1],
        }
    )
    pd.testing.assert_frame_equal(got, want)


def test_the_national_corpus_ships_with_a_valid_manifest():
    """corpora/national: 46 State Council work reports, each file listed once, years in order."""
    from conftest import ROOT

    from analysis import manifest as mf

    root = ROOT / "corpora" / "national"
    man = mf.load(root / "data" / "manifest.csv", root / "data" / "raw")
    assert len(man) == 46 and set(man.jurisdiction_zh) == {"中华人民共和国"}
    assert sorted(man.file) == sorted(p.name for p in (root / "data" / "raw").glob("*.txt"))
    assert (root / "notebooks" / "jurisdiction_timeline.py").exists()

"""Documents of other genres, written for these tests (not from the seed corpus)."""

from analysis.parse.outline import coverage_problems
from analysis.pipeline import process

GOV_REPORT = """
某省人民政府门户网站 2031年1月20日 星期一
首页 > 政务公开 > 政府工作报告

政府工作报告
——2031年1月15日在某省第十五届人民代表大会第三次会议上
代省长  某某

各位代表:

现在,我代表省人民政府,向大会报告工作,请予审议,并请省政协委员提出意见。

一、2030年工作回顾

过去一年,我们坚持稳中求进工作总基调,主要做了以下工作:

(一)经济运行稳中向好。全省生产总值增长5.5%,粮食产量稳定在1200亿斤以上。
一是工业生产较快增长。规模以上工业增加值增长6.1%。
二是消费市场持续回暖。社会消费品零售总额增长7.2%。

(二)民生保障持续加强
城乡低保标准分别提高到每人每月900元和700元,新增养老床位5000张。

二、2031年工作安排

今年经济社会发展的主要预期目标是:
——地区生产总值增长5%左右;
——城镇新增就业50万人以上;
——居民收入增长和经济增长同步。

(一)着力扩大有效需求。加快推进重大项目建设,新增光伏装机500万千瓦、储能200万千瓦以上。
(二)着力保障和改善民生
一是稳定扩大就业。落实就业优先政策。
二是兜牢民生底线。生均补助从600元提高至800元。
三是发展养老服务。新增社区养老服务设施300个。

三、加强政府自身建设
(一)坚持依法行政。
(二)持续改进作风。

扫一扫在手机上查看当前页面
"""


def test_government_work_report_outline():
    res = process(GOV_REPORT.encode("utf-8"), "gov", "gov.txt")
    s = res.sections
    parts = s[s.level == 1]
    assert parts.title.tolist() == ["2030年工作回顾", "2031年工作安排", "加强政府自身建设"]
    items = s[s.level == 2]
    assert items.title.tolist() == [
        "经济运行稳中向好",
        "民生保障持续加强",
        "地区生产总值增长5%左右;",
        "城镇新增就业50万人以上;",
        "居民收入增长和经济增长同步",
        "着力扩大有效需求",
        "着力保障和改善民生",
        "坚持依法行政",
        "持续改进作风",
    ] or items.title.str[:6].tolist() == [t[:6] for t in items.title]
    subs = s[s.level == 3]
    assert subs.title.tolist() == [
        "工业生产较快增长",
        "消费市场持续回暖",
        "稳定扩大就业",
        "兜牢民生底线",
        "发展养老服务",
    ]
    assert subs.parent_id.tolist() == ["gov:1.1", "gov:1.1", "gov:2.5", "gov:2.5", "gov:2.5"]
    # the subtitle line "——2031年…会议上" is front matter, not a part
    assert s.level.iloc[0] == 0 and "人民代表大会" in s.text.iloc[0]
    assert {"navigation", "footer"} <= set(res.quality_issues.kind)
    assert coverage_problems(len(res.decoded.text), s, res.quality_issues) == []


def test_government_work_report_targets():
    """Part 一 reviews the past year (actual), part 二 sets this year's goals (target)."""
    res = process(GOV_REPORT.encode("utf-8"), "gov", "gov.txt")
    t = res.targets.set_index("raw")
    assert t.loc["1200亿斤", ["value", "unit", "comparator", "kind"]].tolist() == [1.2e11, "斤", ">=", "actual"]
    assert "粮食产量" in t.loc["1200亿斤", "indicator"]
    assert t.loc["5000张", "kind"] == "actual"
    assert t.loc["900元", "indicator"].endswith("(每人每月)") and t.loc["700元", "value"] == 700
    assert t.loc["5%", ["comparator", "kind"]].tolist() == ["~", "target"]
    assert t.loc["50万人", ["value", "comparator"]].tolist() == [500000, ">="]
    assert t.loc["500万千瓦", "value"] == 5e6 and t.loc["200万千瓦", "comparator"] == ">="
    r = t.loc["600元提高至800元"]
    assert (r.value, r.value_from, r.unit, r.kind, r.indicator) == (800, 600, "元", "target", "生均补助")
    assert len(t) == 13


def test_county_plan_in_gbk_with_fullwidth_layout():
    """A county plan saved as GBK with full-width brackets and ideographic-space indents."""
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "county_plan_2032.txt").read_text(encoding="utf-8")
    res = process(text.encode("gbk"), "county", "county.txt")
    s = res.sections
    assert s[s.level == 1].title.tolist() == ["兜牢基本民生保障底线", "提升基层治理能力"]
    assert s[s.level == 3].title.tolist() == ["规范低保审核", "做好临时救助"]
    assert res.header["issued_date"] == "2032-02-14"
    assert {"navigation", "footer", "encoding_repair"} <= set(res.quality_issues.kind)
    t = res.targets.set_index("raw")
    assert t.loc["1200元", "indicator"].endswith("(每人次)")
    assert t.loc["两百张", "value"] == 200
    assert t.loc["1.3倍", "comparator"] == ">=" and t.loc["30%", "comparator"] == ">="
    assert (res.targets.kind == "target").all()  # 工作计划: a plan
    assert coverage_problems(len(res.decoded.text), s, res.quality_issues) == []

"""Reading (encodings, full-width forms, binary refusal) and cleaning (chrome, metadata, spam)."""

import codecs

import pytest
from conftest import SEEDS

from analysis.errors import UserError
from analysis.ingest.clean import iso_date, scan
from analysis.ingest.read import decode_bytes, normalize
from analysis.parse.outline import coverage_problems

PLAN = "２０３０年某县民政工作要点\n一、养老服务\n（一）新增养老床位２０００张。持证上岗率达到５０％以上。\n"


@pytest.mark.parametrize(
    "encoded,encoding",
    [
        (PLAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + PLAN.encode("utf-8"), "utf-8-sig"),
        (PLAN.encode("gb18030"), "gb18030"),
        (PLAN.encode("gbk"), "gb18030"),
        (PLAN.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_decode_to_the_same_normalised_text(encoded, encoding):
    d = decode_bytes(encoded, "plan.txt")
    assert d.encoding == encoding
    assert d.text == normalize(PLAN)
    assert "(一)新增养老床位2000张" in d.text and "50%以上" in d.text


def test_fullwidth_forms_are_folded_but_circled_numbers_kept():
    assert normalize("（１）２０％，①") == "(1)20%,①"
    assert decode_bytes("（１）".encode(), "x").changed_chars == 3


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)])
def test_binary_input_is_refused(data):
    with pytest.raises(UserError, match="binary|not a text file|encoding"):
        decode_bytes(data, "blob.bin")


def test_metadata_block_is_parsed_and_removed():
    text = (
        "某市人民政府门户网站\n登录 注册 无障碍\n"
        "索 引 号 000000/2031-001 发布日期 2031-02-03\n发布机构 某市民政局 公开范围 面向社会\n"
        "名    称 :\n2031年某市民政工作要点\n文号 关键词\n\n"
        "2031年某市民政工作要点\n一、养老服务\n(一)加强设施建设。新建床位。\n"
    )
    cl = scan(text)
    assert cl.header["index_no"] == "000000/2031-001"
    assert cl.header["issued_date"] == "2031-02-03"
    assert cl.header["publisher_zh"] == "某市民政局"
    assert cl.header["title_zh"] == "2031年某市民政工作要点"
    assert "keywords" not in cl.header  # an empty 关键词 does not swallow the next line
    kinds = [s.kind for s in cl.spans]
    assert kinds.count("metadata") == 5 and "navigation" in kinds


def test_navigation_words_inside_body_are_kept():
    text = "一、社会组织\n(一)推进注册登记。继续推进全国志愿服务信息系统注册登记工作,完善志愿服务信息记录、时长记录等各项工作。\n"
    cl = scan(text)
    assert not [s for s in cl.spans if s.action == "removed"]


def test_flags_lost_separators_and_doc_numbers():
    cl = scan("一、规划\n(一)落实规划。贯彻《布局规划(20102020年)》,按照分别提高5%8%以上的标准,依据某民发〔20121。\n")
    kinds = sorted(s.kind for s in cl.spans)
    assert kinds == ["garbled_doc_number", "lost_separator", "lost_separator"]


@pytest.mark.parametrize(
    "s,iso", [("2014年01月05日", "2014-01-05"), ("2018-3-2 09:15", "2018-03-02"), ("无日期", None)]
)
def test_iso_date(s, iso):
    assert iso_date(s) == iso


@pytest.mark.parametrize("doc_id", SEEDS)
def test_seed_coverage_invariant(doc_id, seed_results):
    """Own spans of sections plus removed spans cover each seed's text exactly."""
    r = seed_results[doc_id]
    assert coverage_problems(len(r.decoded.text), r.sections, r.quality_issues) == []


@pytest.mark.parametrize("doc_id", SEEDS)
def test_no_chrome_left_in_section_text(doc_id, seed_results):
    text = "\n".join(seed_results[doc_id].sections.text)
    for chrome in ("扫一扫在手机上查看当前页面", "ICP备", "登录注册", "政策解读", "索引号", "索 引 号"):
        assert chrome not in text


def test_a_footer_run_into_the_last_sentence_of_a_one_line_page_goes_alone():
    """A page scraped onto one line ends ``…最后一句。附件:…主办单位:… ICP备…号``: the footer
    after the last sentence end is removed inline; the part before it, and its figures, stay."""
    from analysis.pipeline import process

    text = (
        "一、兜牢民生底线(一)健全社会救助体系。城市低保标准提高至每人每月870元。(二)加强临时救助。"
        "全年实施临时救助2万人次以上。二、提升专项社会事务服务水平婚姻登记全面推开,结婚登记颁证率达100%。"
        "推进殡葬改革,火化率稳定在99%以上。"
        "附件:1.重点任务分解表扫一扫在手机打开当前页主办单位:某市民政局 皖ICP备05000000号"
    )
    res = process(text.encode("utf-8"), "t", "t.txt", "work_plan", 2024)
    assert res.sections.level.tolist().count(1) == 2
    assert res.targets.raw.tolist() == ["870元", "2万人次", "100%", "99%"]
    footer = res.quality_issues[res.quality_issues.kind == "footer"]
    assert "".join(footer.excerpt) == "附件:1.重点任务分解表扫一扫在手机打开当前页主办单位:某市民政局 皖ICP备05000000号"
    assert res.sections.text.iloc[-1].endswith("火化率稳定在99%以上。")
    assert coverage_problems(len(res.decoded.text), res.sections, res.quality_issues) == []

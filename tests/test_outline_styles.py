"""Made-up mini plans, one per numbering style and repair; nothing here comes from the seeds.

Each test sketches its input and checks the ``sections`` rows the parser produces.
"""

import pandas as pd
import pytest

from analysis.parse.outline import coverage_problems, parse_text
from analysis.pipeline import process


def outline(text: str) -> pd.DataFrame:
    return parse_text(text, "t").sections


def shape(text: str) -> list[tuple[int, str, str]]:
    """(level, label_raw, title) of every section below the preamble."""
    s = outline(text)
    s = s[s.level > 0]
    return list(zip(s.level, s.label_raw, s.title))


def test_mixed_depth_follows_order_of_styles():
    """一、 -> (一) -> 1. -> (1): each new style opens a deeper level, a seen one closes back."""
    text = (
        "2030年某市民政工作要点\n\n"
        "一、养老服务\n"
        "(一)加强设施建设。新建床位。\n"
        "1.推进社区养老。内容。\n"
        "(1)建设站点。内容。\n"
        "(2)培训人员。内容。\n"
        "2.推进农村养老。内容。\n"
        "(二)提升服务质量。内容。\n"
        "二、社会救助\n"
        "(三)提高救助标准。内容。\n"
    )
    assert shape(text) == [
        (1, "一、", "养老服务"),
        (2, "(一)", "加强设施建设"),
        (3, "1.", "推进社区养老"),
        (4, "(1)", "建设站点"),
        (4, "(2)", "培训人员"),
        (3, "2.", "推进农村养老"),
        (2, "(二)", "提升服务质量"),
        (1, "二、", "社会救助"),
        (2, "(三)", "提高救助标准"),
    ]
    s = outline(text)
    pd.testing.assert_series_equal(
        s.section_id,
        pd.Series(
            ["t:0", "t:1", "t:1.1", "t:1.1.1", "t:1.1.1.1", "t:1.1.1.2", "t:1.1.2", "t:1.2", "t:2", "t:2.1"],
            name="section_id",
            dtype="string",
        ),
    )
    assert s.parent_id.isna().tolist()[:4] == [True, True, False, False]
    assert s.parent_id.tolist()[2:4] == ["t:1", "t:1.1"]


@pytest.mark.parametrize(
    "label,style",
    [
        ("1、", "arabic_dot"),
        ("1．", "arabic_dot"),
        ("１.", "arabic_dot"),
        ("（1）", "arabic_paren"),
        ("①", "circled"),
        ("(一)", "cn_paren"),
        ("（一）", "cn_paren"),
        ("一是", "cn_shi"),
        ("第一,", "cn_di"),
    ],
)
def test_item_styles_under_parts(label, style):
    """一、 parts with items in one style; the second item's label is the first's + 1."""
    second = {
        "1、": "2、",
        "1．": "2．",
        "１.": "２.",
        "（1）": "（2）",
        "①": "②",
        "(一)": "(二)",
        "（一）": "（二）",
        "一是": "二是",
        "第一,": "第二,",
    }[label]
    text = f"一、社会救助\n{label}提高标准。内容。\n{second}完善制度。内容。\n二、社会事务\n{label}规范殡葬。内容。\n"
    s = outline(text)
    items = s[s.level == 2]
    assert items.title.tolist() == ["提高标准", "完善制度", "规范殡葬"]
    assert set(items["style"]) == {style}
    assert items.label_n.tolist() == [1, 2, 1]
    assert items.parent_id.tolist() == ["t:1", "t:1", "t:2"]


def test_dash_lead_lines_are_items():
    text = "一、主要目标\n今年的主要目标是:\n——新增养老床位。\n——低保标准提高。\n二、重点工作\n(一)加强救助。内容。\n"
    assert shape(text) == [
        (1, "一、", "主要目标"),
        (2, "——", "新增养老床位"),
        (2, "——", "低保标准提高"),
        (1, "二、", "重点工作"),
        (2, "(一)", "加强救助"),
    ]


def test_standalone_heading_versus_heading_with_body():
    """A heading alone on its line keeps the whole line; an inline one ends at the first 。"""
    text = "一、养老服务\n(一)加强养老服务设施建设,提升服务能力\n全年新增床位。继续推进。\n(二)规范机构管理。开展评定工作。\n"
    s = outline(text)
    assert s[s.level == 2].title.tolist() == ["加强养老服务设施建设,提升服务能力", "规范机构管理"]
    first = s[s.level == 2].iloc[0]
    assert "全年新增床位" in first.text


def test_lost_full_stop_cuts_title_at_first_clause_and_flags_it():
    text = "一、社会救助\n(一)提高救助标准城乡低保标准提高百分之八十以上并同步提高医疗救助水平,做好临时救助,完善救助制度,健全工作机制,加强基层经办能力建设\n"
    res = parse_text(text, "t")
    assert res.sections.title.iloc[-1] == "提高救助标准城乡低保标准提高百分之八十以上并同步提高医疗救助水平"
    assert "lost_sentence_end" in {s.kind for s in res.issues}


@pytest.mark.parametrize("split", ["(\n一)加强救助。内容。", "(一\n)加强救助。内容。", "(一)\n加强救助。内容。"])
def test_bracket_split_from_numeral_across_lines(split):
    text = f"一、社会救助\n{split}\n(二)完善制度。内容。\n"
    res = parse_text(text, "t")
    items = res.sections[res.sections.level == 2]
    assert items.title.tolist() == ["加强救助", "完善制度"]
    assert items.label_n.tolist() == [1, 2]
    assert "split_numbering" in {s.kind for s in res.issues}


def test_repeated_and_garbled_numbers_keep_position_and_are_flagged():
    """(一)(二)(二))(四): four items; the repeat and the bare ')' are flagged."""
    text = "一、工作\n(一)甲项工作。内容。\n(二)乙项工作。内容。\n(二)丙项工作。内容。\n)丁项工作。内容。\n(五)戊项工作。内容。\n"
    res = parse_text(text, "t")
    items = res.sections[res.sections.level == 2]
    assert items.ordinal.tolist() == [1, 2, 3, 4, 5]
    assert items.label_n.tolist()[:3] == [1, 2, 2] and pd.isna(items.label_n.iloc[3])
    kinds = [s.kind for s in res.issues]
    assert kinds.count("numbering_out_of_sequence") == 2  # (二) at 3 and ')' at 4; (五) is right
    assert kinds.count("numbering_garbled") == 1


def test_numbering_restarting_in_each_part_is_not_flagged():
    text = "一、回顾\n(一)甲。内容。\n(二)乙。内容。\n二、安排\n(一)丙。内容。\n(二)丁。内容。\n"
    res = parse_text(text, "t")
    assert not [s for s in res.issues if s.kind == "numbering_out_of_sequence"]


def test_numbering_continuing_across_parts_is_not_flagged():
    text = "一、回顾\n(一)甲。内容。\n(二)乙。内容。\n二、安排\n(三)丙。内容。\n(四)丁。内容。\n"
    res = parse_text(text, "t")
    assert not [s for s in res.issues if s.kind == "numbering_out_of_sequence"]


def test_part_heading_that_lost_its_numeral_between_numbered_parts():
    text = (
        "一、养老服务\n加强设施建设。内容很多。\n规范机构管理。内容很多。\n"
        "二、社会救助\n提高救助标准。内容很多。\n完善救助体系。内容很多。\n"
        "加强减灾救灾工作\n完善预警机制。内容很多。\n做好灾害救助。内容很多。\n"
        "四、社会事务\n深化殡葬改革。内容很多。\n规范婚姻登记。内容很多。\n"
    )
    res = parse_text(text, "t")
    parts = res.sections[res.sections.level == 1]
    assert parts.title.tolist() == ["养老服务", "社会救助", "加强减灾救灾工作", "社会事务"]
    assert parts.label_raw.tolist()[2] == ""
    assert (res.sections.level == 2).sum() == 8
    assert "missing_numeral" in {s.kind for s in res.issues}


def test_short_unnumbered_line_without_a_gap_is_not_a_part():
    """A line broken mid-sentence is no heading when the numbers show no gap."""
    text = "一、形势\n保障困难群众基本生活需求是民政部门的\n核心职能。近年来成效明显。\n二、打算\n(一)甲。内容。\n"
    s = outline(text)
    assert s[s.level == 1].title.tolist() == ["形势", "打算"]


def test_lead_sentence_paragraphs_become_items():
    text = "一、养老服务\n完善养老服务政策。出台实施意见,支持社会力量。\n促进养老服务均衡发展。统筹居家与机构。\n二、社会救助\n提高城乡低保标准。落实增长机制。\n提高医疗救助水平。完善政策。\n"
    assert shape(text) == [
        (1, "一、", "养老服务"),
        (2, "", "完善养老服务政策"),
        (2, "", "促进养老服务均衡发展"),
        (1, "二、", "社会救助"),
        (2, "", "提高城乡低保标准"),
        (2, "", "提高医疗救助水平"),
    ]


def test_lead_paragraphs_under_an_item_with_an_opening_and_a_closing_paragraph():
    """(一)heading / aim without a lead / three lead paragraphs / a closing remark:
    the aim stays the item's own text, the leads are sub-items, the remark joins the last."""
    text = (
        "一、重点工作\n(一)坚持供需两端协同发力,推动经济稳定增长\n"
        "坚持以新需求引领新供给,以新供给创造新需求,进一步激发内需潜力。\n"
        "大力提振消费。实施消费提振行动。\n扩大有效投资。新开工项目1000个。\n稳定对外出口。开拓新兴市场。\n"
        "在做好上述工作的同时,统筹发展和安全,办好各项民生实事。\n(二)深化改革。内容。\n"
    )
    s = outline(text)
    assert shape(text) == [
        (1, "一、", "重点工作"),
        (2, "(一)", "坚持供需两端协同发力,推动经济稳定增长"),
        (3, "", "大力提振消费"),
        (3, "", "扩大有效投资"),
        (3, "", "稳定对外出口"),
        (2, "(二)", "深化改革"),
    ]
    assert "进一步激发内需潜力" in s.text.iloc[1] and "大力提振消费" not in s.text.iloc[1]
    assert "统筹发展和安全" in s.text.iloc[4] and "统筹发展和安全" not in s.text.iloc[5]


def test_two_leads_after_an_opening_paragraph_are_not_items():
    """With an opening paragraph, two lead-like paragraphs are too few to be a list."""
    text = "一、重点工作\n(一)推动增长\n坚持稳中求进,以进促稳。\n提振消费。实施行动。\n扩大投资。新开工项目。\n"
    assert [r[0] for r in shape(text)] == [1, 2]


def test_a_list_after_an_address_to_the_audience_belongs_to_the_part():
    """(一)(二) / 各位代表！… / ——a ——b: the dashes are items of the part, not sub-items of (二)."""
    text = (
        "一、工作回顾\n(一)经济增长稳中有进。内容。\n(二)民生福祉持续改善。内容。\n"
        "各位代表！过去五年极不平凡,我们取得了显著成就:\n"
        "——经济实力实现新跨越。内容。\n——人民生活实现新提升。内容。\n二、今年工作\n(一)扩大内需。内容。\n"
    )
    s = outline(text)
    assert [(lv, t[:4]) for lv, t in zip(s.level, s.title)] == [
        (1, "工作回顾"),
        (2, "经济增长"),
        (2, "民生福祉"),
        (2, "经济实力"),
        (2, "人民生活"),
        (1, "今年工作"),
        (2, "扩大内需"),
    ]
    assert "过去五年极不平凡" in s.text.iloc[2]  # the address stays with the item it follows


def test_without_an_address_a_list_nests_under_the_open_item():
    text = "一、工作回顾\n(一)经济增长。内容。\n——工业增长。内容。\n——服务业增长。内容。\n"
    assert outline(text).level.tolist() == [1, 2, 3, 3]


def test_dash_items_are_never_out_of_sequence():
    text = "一、回顾\n——经济实力跃升。内容。\n——民生持续改善。内容。\n——治理能力提升。内容。\n"
    res = parse_text(text, "t")
    assert [r.level for r in res.records] == [1, 2, 2, 2]
    assert not [s for s in res.issues if s.kind == "numbering_out_of_sequence"]


def test_preamble_is_level_zero_and_list_lines_before_first_part_stay_in_it():
    text = "政府工作报告\n——在省人民代表大会上\n各位代表:\n现在我代表省人民政府报告工作。\n一、回顾\n(一)甲。内容。\n"
    s = outline(text)
    assert s.level.tolist() == [0, 1, 2]
    assert "在省人民代表大会上" in s.text.iloc[0]


def test_empty_text_gives_no_sections_and_an_issue():
    res = process(b"", "empty", "empty.txt")
    assert len(res.sections) == 0
    assert res.quality_issues.kind.tolist() == ["empty_document"]


def test_boilerplate_only_gives_no_items_and_an_issue():
    res = process("扫一扫在手机上查看当前页面\n\n打印 关闭\n".encode(), "bp", "bp.txt")
    assert (res.sections.level >= 1).sum() == 0
    assert "empty_document" in set(res.quality_issues.kind)
    assert coverage_problems(len(res.decoded.text), res.sections, res.quality_issues) == []


def test_text_without_numbering_is_one_preamble_and_flagged():
    res = process("这是一段没有编号的说明文字。它很短。\n第二段也没有编号。\n".encode(), "plain", "plain.txt")
    assert res.sections.level.tolist() == [0]
    assert "no_outline" in set(res.quality_issues.kind)


def test_an_annex_is_a_part_of_its_own_with_its_own_numbering():
    """一、 二、 (with 1. items), then 附件 / its title / 1. 2.: the annex is a third top-level
    part titled by the line after it, and its 1. 2. are its items, not the last part's.
    附件 inside a sentence, and the footer's 附件: list, stay text."""
    text = (
        "2030年某市政府工作报告\n\n"
        "一、过去一年工作回顾\n"
        "1.民生持续改善。新增床位2000张。\n"
        "二、今年重点工作\n"
        "1.办好民生实事。附件所列事项按期完成。\n"
        "附件:1.民生实事清单\n"
        "附件\n"
        "2030年市级民生实事\n"
        "1.新增养老床位500张。\n"
        "2.改造老旧小区30个。\n"
    )
    assert shape(text) == [
        (1, "一、", "过去一年工作回顾"),
        (2, "1.", "民生持续改善"),
        (1, "二、", "今年重点工作"),
        (2, "1.", "办好民生实事"),
        (1, "附件", "2030年市级民生实事"),
        (2, "1.", "新增养老床位500张"),
        (2, "2.", "改造老旧小区30个"),
    ]
    s = outline(text)
    assert "附件:1.民生实事清单" in s[s.title == "办好民生实事"].text.iloc[0]


def test_numbered_annexes_follow_each_other():
    """附件1 and 附件2 with (一) items: two annex parts in sequence, no numbering issue."""
    text = (
        "某市工作要点\n\n一、总体要求\n坚持稳中求进。\n二、重点任务\n做好民生工作。\n"
        "附件1\n重点项目表\n(一)养老项目。\n(二)救助项目。\n附件2\n责任分工\n(一)民政局。\n"
    )
    res = parse_text(text, "t")
    s = res.sections
    annexes = s[s.label_raw.str.startswith("附件")]
    assert annexes[["level", "label_raw", "title"]].values.tolist() == [
        [1, "附件1", "重点项目表"],
        [1, "附件2", "责任分工"],
    ]
    assert s[s.level == 2].label_raw.tolist()[-3:] == ["(一)", "(二)", "(一)"]
    assert not [i for i in res.issues if i.kind == "numbering_out_of_sequence"]

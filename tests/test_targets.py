"""Quantified targets: every number form and every exclusion, on made-up sentences."""

import pandas as pd
import pytest

from analysis.pipeline import process


def targets(sentence: str, genre: str = "work_plan") -> pd.DataFrame:
    """Targets of a one-item plan whose item body is ``sentence``."""
    text = f"一、民政事务\n(一)推进民政工作。{sentence}\n"
    return process(text.encode("utf-8"), "t", "t.txt", genre).targets


def rows(sentence: str, genre: str = "work_plan") -> list[tuple]:
    t = targets(sentence, genre)
    return [(r.value, r.unit, r.comparator) for r in t.itertuples()]


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("新增养老床位2000张。", [(2000, "张", "=")]),
        ("为20.05万名城乡低保对象发放低保救助金1.98亿元。", [(200500, "名", "="), (198000000, "元", "=")]),
        ("新增光伏装机150万千瓦。", [(1500000, "千瓦", "=")]),
        ("完成造林150万亩。", [(1500000, "亩", "=")]),
        ("新增养老床位２０００张。", [(2000, "张", "=")]),  # full-width digits
        ("建设五十个示范点。", [(50, "个", "=")]),
        ("新增两千张床位。", [(2000, "张", "=")]),
        ("覆盖率达到百分之八十。", [(80, "%", "=")]),
        ("国民生产总值增长百分之六点七。", [(6.7, "%", "=")]),  # a Chinese decimal
        ("持证上岗率达到50%以上。", [(50, "%", ">=")]),
        ("全市4万余名优抚对象享受待遇。", [(40000, "名", ">=")]),
        ("服务老人5000多人。", [(5000, "人", ">=")]),
        ("总投资1370多亿元。", [(137000000000, "元", ">=")]),  # 多 before the multiplier
        ("惠及群众300多万人。", [(3000000, "人", ">=")]),
        ("中欧班列开行6037列。", [(6037, "列", "=")]),  # trains
        ("获亚洲级以上大赛金牌33枚。", [(33, "枚", "=")]),
        ("低保标准不低于城市标准的80%。", [(80, "%", ">=")]),
        ("单次救助不超过3000元。", [(3000, "元", "<=")]),
        ("城镇调查失业率低于5.5%。", [(5.5, "%", "<=")]),  # 低于; 不低于 is still >=
        ("确保12小时内受灾人员得到救助。", [(12, "小时", "<=")]),
        ("培训护理员7000名左右。", [(7000, "名", "~")]),
        ("参保率提高2个百分点。", [(2, "百分点", "=")]),
        ("农村低保标准不低于每人每月300元。", [(300, "元", ">=")]),
        ("床位数达到每千名老年人拥有床位30张。", [(30, "张", "=")]),
        ("覆盖率分别达到77%、68%、60%。", [(77, "%", "="), (68, "%", "="), (60, "%", "=")]),
        ("保障标准分别达到870元和1460元以上。", [(870, "元", ">="), (1460, "元", ">=")]),
        ("城乡低保分别提高5%8%以上。", [(5, "%", ">="), (8, "%", ">=")]),  # lost separator
        ("粮食产量稳定在1200亿斤以上。", [(120000000000, "斤", ">=")]),
        ("新增光伏装机500万千瓦、储能200万千瓦以上。", [(5000000, "千瓦", "="), (2000000, "千瓦", ">=")]),
        ("安排100万资金扶持项目。", [(1000000, "元", "=")]),
        ("在100 个村开展试点。", [(100, "个", "=")]),
        ("实施医疗救助29.05万人次。", [(290500, "人次", "=")]),
        ("新增床位1,200张。", [(1200, "张", "=")]),
    ],
)
def test_number_forms(sentence, expected):
    assert rows(sentence) == expected


@pytest.mark.parametrize(
    "sentence,value,value_from,unit",
    [
        ("每个乡镇配有1-2名民政助理。", 2, 1, "名"),
        ("增幅控制在5%—8%。", 8, 5, "%"),
        ("生均补助从600元提高至800元。", 800, 600, "元"),
        ("补助标准由500元提高到900元。", 900, 500, "元"),
        ("低保标准从796元/月提高至842元/月。", 842, 796, "元"),  # the base after the first value
    ],
)
def test_ranges_keep_both_ends(sentence, value, value_from, unit):
    t = targets(sentence)
    assert len(t) == 1
    r = t.iloc[0]
    assert (r.value, r.value_from, r.unit) == (value, value_from, unit)


@pytest.mark.parametrize(
    "sentence",
    [
        "2018年全面完成任务。",  # year
        "3月底前出台方案,7月份之前完成。",  # dates
        "贯彻津民发〔2012〕1号文件。",  # document number
        "继续推动省59号文件落实。",  # document number
        "加强“12349”民政服务热线建设。",  # telephone line
        "突出抓好快乐8新游戏的培育推广,开发快3新型电脑票。",  # lottery products
        "争创5A级婚姻登记机关。",  # grade
        "编制“十四五”规划,落实十三五规划。",  # plan names
        "增强“四个意识”,推进三社联动,落实两项补贴。",  # slogans with Chinese numerals
        "贯彻中央八项规定及省委十项规定。",  # slogans with 项
        "开展“十个一”创建活动。",  # quoted slogan
        "庆祝建党100周年。",  # anniversary
        "举办第六届公益创投大赛,开展第二批试点。",  # ordinals
        "落实市委九届十二次全会精神。",  # session numbers
        "全省养老床位达到每千名老年人30张床位的标准。",  # 千名 is the base of a rate, not a count
        "开展“铭记·2018清明祭英烈”活动。",  # a year inside a name
        "一是加强领导,二是完善制度。",  # list markers
        "推出稳经济“30条”和“双20条”政策。",  # a figure inside quotation marks is a name
    ],
)
def test_not_quantities(sentence):
    t = targets(sentence)
    assert t[~t.raw.str.contains("30张")].empty, t[["raw", "value", "unit"]]


@pytest.mark.parametrize(
    "sentence, value, unit, comparator",
    [
        ("各区要在12个月内完成改造任务。", 12, "月", "<="),  # a duration, not 12 个
        ("申请材料在5个工作日内办结。", 5, "工作日", "<="),
        ("为60周岁以上老年人发放高龄津贴。", 60, "周岁", ">="),  # an age threshold
        ("社区服务用房面积达到300平方米。", 300, "平方米", "="),
        ("日间照料中心面积不低于120m²。", 120, "平方米", ">="),
        ("PM2.5平均浓度控制在35微克/立方米以内。", 35, "微克/立方米", "<="),
        ("人均预期寿命达到79.4岁。", 79.4, "岁", "="),
        ("黑土地耕层厚度达到20.6厘米。", 20.6, "厘米", "="),
        ("土壤有机质含量达到27克/千克。", 27, "克/千克", "="),
        ("累计实施保护性耕作1.19亿亩次。", 119000000, "亩次", "="),  # 亩次, not 亩 and a stray 次
        ("集装箱吞吐量达到4500万标箱。", 45000000, "标箱", "="),
        ("为白内障患者实施免费手术2000例。", 2000, "例", "="),
    ],
)
def test_durations_ages_areas_and_concentrations_have_their_own_units(sentence, value, unit, comparator):
    t = targets(sentence)
    assert t[["value", "unit", "comparator"]].values.tolist() == [[value, unit, comparator]]


def test_spam_numbers_are_not_quantities():
    res = process("一、工作\n(一)明确188比分直播城乡社区治理原则。\n".encode(), "t", "t.txt", "work_plan")
    assert res.targets.empty


@pytest.mark.parametrize(
    "sentence,indicator_part",
    [
        ("新增养老床位2000张。", "养老床位"),
        ("持证上岗率达到50%以上。", "持证上岗率"),
        ("建设50家社区嵌入式养老服务网点。", "养老服务网点"),
        ("社区养老服务设施的社会化运营率达到50%以上。", "社会化运营率"),
        ("对22家退役士兵教育培训定点机构进行评估考核。", "定点机构"),
        ("农村低保标准不低于每人每月300元。", "每人每月"),
        ("床位数达到每千名老年人拥有床位30张。", "每千名老年人"),
        ("领取了每月55元的生活补助金。", "生活补助金"),
        ("全市90%的村委会证书已发放到位。", "村委会"),
    ],
)
def test_indicator(sentence, indicator_part):
    t = targets(sentence)
    assert indicator_part in t.indicator.iloc[0]


@pytest.mark.parametrize(
    "sentence,verb,commitment",
    [
        ("确保新增养老床位2000张。", "新增", "确保"),
        ("力争培训率达到100%。", "达到", "力争"),
        ("探索建设3个试点。", "建设", "探索"),
    ],
)
def test_verb_and_commitment(sentence, verb, commitment):
    r = targets(sentence).iloc[0]
    assert (r.verb, r.commitment) == (verb, commitment)


@pytest.mark.parametrize(
    "genre,sentence,kind",
    [
        ("work_plan", "新增养老床位2000张。", "target"),
        ("work_plan", "截至去年底,全市已建成养老床位2000张。", "actual"),
        ("progress_report", "全市共发放救助金300万元。", "actual"),
        ("progress_report", "今年计划改造20家养老机构。", "target"),
        ("progress_report", "累计发放棉衣4420套,确保老人安全过冬。", "actual"),
        ("progress_report", "入选“双高计划”,3所高职高专升格本科。", "actual"),  # a programme's name
        ("progress_report", "制定改造计划,确定改造30个社区。", "target"),  # a plan sets the figure
        ("progress_report", "197家二级以上医院开设体重管理门诊。", "actual"),  # 二级 is a grade, no slogan
        ("progress_report", "养老床位建设完成年度目标的63%。", "actual"),  # progress against the goal
        ("progress_report", "水体比例优于国家考核目标14.6个百分点。", "actual"),  # 考核目标 is a yardstick
        ("progress_report", "新争取国家政策性资金4700多亿元。", "actual"),  # secured, not striven for
    ],
)
def test_kind_from_genre_and_sentence(genre, sentence, kind):
    assert targets(sentence, genre).kind.tolist() == [kind]


REPORT = """市民政局2031年上半年工作情况

一、上半年工作进展情况
一是救助保障有力。全市共为3万名低保对象发放救助金2亿元,城乡低保标准达到每人每月800元。
二是养老服务提升。新增养老床位500张。
二、存在的问题
一是基层力量薄弱。全市仅有12家养老机构取得许可。
三、下一步打算
一是提高保障水平。力争城乡低保标准提高5%以上。
二是加强养老服务。年内再新增养老床位800张。
"""


def test_kind_follows_part_headings_when_the_genre_is_inferred():
    """A report that is not in the manifest: its genre and the kind of each part come from the text."""
    res = process(REPORT.encode("utf-8"), "r", "r.txt", genre=None)
    kinds = dict(zip(res.targets.raw, res.targets.kind))
    assert kinds == {
        "3万名": "actual",
        "2亿元": "actual",
        "800元": "actual",
        "500张": "actual",
        "12家": "actual",
        "5%": "target",
        "800张": "target",
    }


def test_listed_values_are_bound_to_their_listed_subjects():
    t = targets(
        "黄埔、番禺、南沙的低保标准分别为2413元、2512元、2121元。城市和农村特困人员基本生活标准分别达到870元和1460元以上。"
    )
    assert t[["value", "indicator"]].values.tolist() == [
        [2413.0, "黄埔的低保标准"],
        [2512.0, "番禺的低保标准"],
        [2121.0, "南沙的低保标准"],
        [870.0, "城市特困人员基本生活标准"],
        [1460.0, "农村特困人员基本生活标准"],
    ]


@pytest.mark.parametrize(
    "sentence,indicator",
    [
        ("粮食产量首次跃上1.4万亿斤新台阶。", "粮食产量"),
        ("地区生产总值突破10万亿元大关。", "地区生产总值"),
        ("建设50家养老服务网点。", "养老服务网点"),  # a noun after the number still names it
    ],
)
def test_a_level_reached_is_not_what_is_counted(sentence, indicator):
    """新台阶, 大关 … after a number name the level reached (resources/target_cues.tsv,
    milestone): the indicator is the phrase before the number, without 跃上 or 突破."""
    assert targets(sentence).indicator.tolist() == [indicator]


@pytest.mark.parametrize(
    "sentence,indicator",
    [
        ("地区生产总值按增长5%安排。", "地区生产总值增长"),  # 安排 ends the phrase after the figure
        ("地区生产总值增长5.3%、增量保持全国第一。", "地区生产总值增长"),  # after 、 comes the next item
        ("国民生产总值比上年增长7%。", "国民生产总值增长"),  # the usual base is dropped
        ("财政民生支出增长4.3%。", "财政民生支出增长"),  # 支出 is part of the subject here
        ("单位能耗比2020年下降13.5%。", "单位能耗比2020年下降"),  # an explicit base year stays
    ],
)
def test_growth_figures_name_what_grows(sentence, indicator):
    """Work reports' growth targets: the indicator is what grows and the change word, without
    比上年/同比/按 and without the words of the next clause."""
    assert targets(sentence).indicator.tolist() == [indicator]


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("近年来新增养老床位100张。", [("=", "养老床位")]),  # 近 far from the number
        ("惠及困难群众近300万人。", [("~", "惠及困难群众")]),
        ("输电线路总长超7万公里。", [(">=", "输电线路总长")]),
        ("超市新建20个。", [("=", "超市新建")]),  # 超 inside a word
        ("完成石漠化治理600平方公里以上、水土流失治理2980平方公里。", [(">=", "石漠化治理"), ("=", "水土流失治理")]),
    ],
)
def test_one_character_comparators_only_touch_the_number(sentence, expected):
    """超, 约, 近 make a comparator only right before the number; a figure's 以上 is its own."""
    t = targets(sentence)
    assert list(zip(t.comparator, t.indicator)) == expected


def test_listed_subjects_of_different_lengths():
    """The last subject ends where the shared words begin (产量, 增加值), whatever the lengths."""
    t = targets("汽车用锂电池、太阳能电池、工业机器人产量分别增长54.5%、43.1%、86.3%。")
    assert t.indicator.tolist() == ["汽车用锂电池产量分别增长", "太阳能电池产量分别增长", "工业机器人产量分别增长"]
    t = targets("规上高技术制造业、装备制造业增加值分别增长23.7%、16.5%。")
    assert t.indicator.tolist() == ["规上高技术制造业增加值分别增长", "装备制造业增加值分别增长"]


def _plan_2024(body: str) -> pd.DataFrame:
    """Targets of a 2024 plan (year from the manifest) whose one item's body is ``body``."""
    text = f"一、民政事务\n(一)推进民政工作。{body}\n"
    return process(text.encode("utf-8"), "t", "t.txt", "work_plan", 2024).targets


@pytest.mark.parametrize(
    "body,kind,ref_year",
    [
        ("2023年,全市共保障城乡低保对象8.6万人。", "actual", 2023),  # dated before the plan: a result
        ("2024年新增养老床位2000张。", "target", 2024),
        ("到2025年,养老床位达到2000张。", "target", 2025),
        ("巩固2023年成果,确保新增养老床位2000张。", "target", 2023),  # a target cue decides
        ("养老床位比2023年增加2000张。", "target", 2024),  # the base of a comparison
        ("医院病床数比上一年增长5%。", "target", 2024),  # 比上一年 is a base too
    ],
)
def test_a_figure_dated_before_the_plans_year_is_a_result(body, kind, ref_year):
    """In a plan for 2024, a sentence dated 2023 reports what was done; a year that is only the
    base of a comparison (比2023年, 比上一年) dates nothing."""
    t = _plan_2024(body)
    assert (t.kind.iloc[0], int(t.ref_year.iloc[0])) == (kind, ref_year)


@pytest.mark.parametrize(
    "body,indicator",
    [
        ("一是落实先行救助;二是全年实施临时救助2万人次以上。", "实施临时救助"),
        ("②新建社区养老服务站80个。", "社区养老服务站"),
        ("——建成社区老年食堂12个。", "社区老年食堂"),
    ],
)
def test_a_list_marker_is_not_part_of_the_indicator(body, indicator):
    """Inline list markers (一是, ②, ——) at the head of the phrase before a figure are dropped."""
    assert _plan_2024(body).indicator.iloc[-1] == indicator


@pytest.mark.parametrize(
    "body,indicator",
    [
        ("社区综合服务设施覆盖率保持100%。", "社区综合服务设施覆盖率"),  # 保持 links, like 达到
        ("年底前将城乡低保标准提高到每人每月900元以上。", "城乡低保标准(每人每月)"),  # when, and 将
        ("规范村级组织工作事项不超过30项。", "规范村级组织工作事项"),  # 不超过, not 超过, comes off
        ("社区养老服务设施配建达标率90%。", "社区养老服务设施配建达标率"),  # 达标 holds no 达
        ("新建和改造提升社区养老服务用房3万平方米。", "社区养老服务用房"),  # joined verbs go
        ("安排补助资金1030亿元。", "补助资金"),  # 补助 pairs with no verb: it stays
        ("养老服务床位增至52.4万张。", "养老服务床位"),  # 增至 links
        ("优良天数比例上升至87.2%。", "优良天数比例"),  # 上升至, not 升至
        ("居民人均服务性消费支出占比升至48%。", "居民人均服务性消费支出占比"),  # 占比 qualifies
        ("战略性新兴产业占比由2020年提升至7.4%。", "战略性新兴产业占比"),  # the year it rose from
    ],
)
def test_linking_verbs_and_time_words_are_not_the_indicator(body, indicator):
    assert _plan_2024(body).indicator.tolist() == [indicator]


def test_a_table_row_names_its_figure_from_its_own_cells():
    """Word and page tables come out one row a line, cells parted by tabs: the indicator is
    the figure's own cell or the cell before, never the 序号 before it or the 责任单位 after."""
    text = (
        "一、养老服务\n(一)推进养老服务设施建设。\n序号\t任务\t目标\t责任单位\n"
        "1\t新增养老床位\t300张\t养老服务科\n2\t护理型床位占比\t达到60%\t养老服务科\n"
    )
    t = process(text.encode("utf-8"), "t", "t.txt", "work_plan", 2024).targets
    assert t[["raw", "indicator"]].values.tolist() == [["300张", "养老床位"], ["60%", "护理型床位占比"]]


@pytest.mark.parametrize(
    "title,genre",
    [
        ("某县民政局2025年重点任务分解表", "work_plan"),
        ("某市养老服务体系建设实施方案", "work_plan"),
        ("某市民政事业发展规划", "work_plan"),
        ("某市民政局2025年上半年工作总结和下半年工作打算", "progress_report"),
        ("2023年民政事业发展统计公报", "progress_report"),  # results, not targets
    ],
)
def test_plan_and_report_titles_are_found_and_name_the_genre(title, genre):
    """The title of a text outside the manifest is its first short line ending in a title
    word (title_words.tsv); the longest word names the genre."""
    from analysis.extract.targets import infer_genre

    res = process(f"{title}\n一、养老服务\n(一)新增养老床位300张。\n".encode(), "t", "t.txt")
    assert res.sections.title.iloc[0] == title
    assert infer_genre(title, []) == genre

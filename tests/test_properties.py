"""Property-based tests on generated documents: every heading is found, nothing is dropped."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.parse.outline import coverage_problems
from analysis.pipeline import process

CN = "一二三四五六七八九十"
WORDS = ["加强", "推进", "完善", "养老服务", "社会救助", "社区治理", "殡葬改革", "婚姻登记", "队伍建设", "信息化"]
LABELS = {
    "cn_paren": lambda n: f"({CN[n - 1]})",
    "arabic_dot": lambda n: f"{n}.",
    "arabic_paren": lambda n: f"({n})",
    "cn_shi": lambda n: f"{CN[n - 1]}是",
    "circled": lambda n: chr(ord("①") + n - 1),
}

title = st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map("".join)
body = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(lambda w: "".join(w) + "。")
noise = st.sampled_from(["", "\n", "\n\n", "   \n", "扫一扫在手机上查看当前页面\n", "打印 关闭\n"])


@st.composite
def documents(draw):
    """A plan with parts (一、), items in one style, optional sub-items in another."""
    item_style, sub_style = draw(
        st.sampled_from(
            [("cn_paren", "arabic_dot"), ("arabic_dot", "arabic_paren"), ("cn_shi", "circled"), ("cn_paren", "cn_shi")]
        )
    )
    lines, expected = [draw(st.sampled_from(["", "2031年某市民政工作要点\n"]))], []
    for p in range(1, draw(st.integers(1, 4)) + 1):
        t = draw(title)
        lines.append(f"{CN[p - 1]}、{t}\n" + draw(noise))
        expected.append((1, t))
        for i in range(1, draw(st.integers(1, 5)) + 1):
            t = draw(title)
            inline = draw(st.booleans())
            lines.append(
                f"{LABELS[item_style](i)}{t}。{draw(body)}\n"
                if inline
                else f"{LABELS[item_style](i)}{t}\n{draw(body)}\n"
            )
            expected.append((2, t))
            for j in range(1, draw(st.integers(0, 3)) + 1):
                t = draw(title)
                lines.append(f"{LABELS[sub_style](j)}{t}。{draw(body)}\n")
                expected.append((3, t))
    lines.append(draw(noise))
    return "".join(lines), expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_generated_heading_is_found_and_nothing_is_dropped(doc):
    text, expected = doc
    res = process(text.encode("utf-8"), "gen", "gen.txt")
    s = res.sections[res.sections.level > 0]
    assert list(zip(s.level, s.title)) == expected
    assert coverage_problems(len(res.decoded.text), res.sections, res.quality_issues) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("一二三、()1.。是—养老救助\n ①扫") + ["扫一扫在手机上查看当前页面", "188比分直播"]),
        max_size=120,
    ).map("".join)
)
def test_coverage_invariant_holds_for_any_text(text):
    res = process(text.encode("utf-8"), "any", "any.txt")
    assert coverage_problems(len(res.decoded.text), res.sections, res.quality_issues) == []

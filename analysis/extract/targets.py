"""Quantified targets: every number a plan commits to (or a report states), as rows.

A *quantity* is a number with a unit: Arabic (full-width folded by NFKC) or Chinese
numerals (cn2an), with 万/亿 multipliers applied (20.05万名 -> 200500 名), percentages as
printed (50% -> 50 %), percentage points, per-unit rates (每人每月300元: the rate's base
stays in ``indicator``), distributive lists (分别达到77%、68%、60%: one row per value, and a
trailing 以上 applies to each), and ranges (1-2名, 5%—8%, 从500元提高至900元): one row whose
``value`` is the end value and ``value_from`` the start.

Not quantities: numbers without a unit (years, dates, document and telephone numbers fall
here), ordinals (第六届), rate bases (每千名), lottery products, codes (5A级), ages (周岁 is
not a unit), slogans (八项规定, 十个一) and single-digit Chinese numerals (四个意识, 两项补贴:
in policy text these are nearly always slogans). All of it is data in ``resources/``.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from analysis import resources
from analysis.extract.periods import reference
from analysis.ingest.clean import Span
from analysis.schema import ancestors, as_rows, frame, row_type
from analysis.zh import CJK, CJK_RANGE, cn_number

if TYPE_CHECKING:  # pandas is loaded by whoever hands in a frame
    import pandas as pd

__all__ = [
    "Quantity",
    "find_quantities",
    "extract",
    "extract_records",
    "infer_genre",
    "lost_measure_words",
    "KIND_BY_GENRE",
]

#: The kind of a quantity when neither its part heading nor its sentence says otherwise.
KIND_BY_GENRE = {
    "work_plan": "target",
    "progress_report": "actual",
    # a government work report reviews last year (its review parts are actual, by their
    # headings) and sets this year's tasks: outside a review part, a figure is a target
    "government_work_report": "target",
    "work_report": "target",
    # standards in force
    "regulation": "actual",
    "notice": "actual",
}

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# with a decimal part: 六点七 (百分之六点七 in the older reports)
_CN = "[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_MAGNITUDE = re.compile("[十百千万亿]")
_DELIM = re.compile(r"[,;:!?。;\n]")
_SENT = re.compile(r"[。;!?\n]")
_JOINERS = re.compile(r"^\s*(?:、|和|及|与|或|,)?\s*$")
_RANGE = re.compile(r"^\s*(?:-|—|–|~|～|至|到)\s*$")
#: 从500元提高至900元; the first value may carry its base (从796元/月提高至842元/月)
_FROM_TO = re.compile(rf"^(?:\s*/\s*[{CJK_RANGE}]{{1,2}})?\s*(?:提高|增加|增长|提升|调整|上调|扩大)?(?:至|到)\s*$")
_FROM = re.compile(r"(?:从|由)\s*$")
_RANGE_START = re.compile(rf"({_ARABIC})\s*(?:-|—|–|~|～)\s*$")
#: Comparator words that only stand after a number (50%以上, 100人左右, 2000余张); the
#: first six also set the comparator, 余 and 多 only widen it.
_SUFFIX_ONLY = ("以上", "以下", "以内", "之内", "内", "左右", "余", "多")
_SUFFIX_COMPARATORS = _SUFFIX_ONLY[:6]
_RIGHT_HEAD = re.compile("^(?:" + "|".join(_SUFFIX_ONLY) + ")")
_LEFT_HEAD = re.compile("^(?:" + "|".join(_SUFFIX_ONLY) + ")(?=[、,;])")
_RATE_BASE = re.compile(r"(?:每[^\d,。]{1,6}?)+")
_TRAILING_BASE = re.compile(r"(?:每[^\d,。每]{1,4})+$")
_SUBJECT_PREP = re.compile(r"(?:按照|按|以|对|在|为|将)$")
_CJK_START = re.compile(f"[{CJK_RANGE}“(]")
_SPACES = re.compile(r"\s+")
#: The usual base of a change, dropped before the change word it qualifies: 国民生产总值比上年
#: 增长 and 地区生产总值按增长 (…5%安排) are the growth of 国民生产总值 / 地区生产总值. An
#: explicit base year stays (比2020年下降).
_USUAL_BASE = re.compile(
    r"(?:比上年|比去年|较上年|同比|按)(?=(?:增长|下降|提高|降低|增加|减少)$)"
    # 占比由2020年提升至7.4%: the year it rose from is not what is counted
    r"|(?:由|从)(?:19|20)\d{2}年(?:的)?$"
)
#: Words that say what is done to a figure rather than what it counts.
_VERBS_ONLY = re.compile(
    r"新增|新建|建成|达到|增长|增加|增至|提高|提升|上升|下降|降低|减少|超过|突破|完成|实现|为|约|分别"
)
_CJK_GAP = re.compile(rf"(?<=[{CJK_RANGE}])\s+(?=[{CJK_RANGE}])")


@functools.lru_cache(maxsize=None)
def _units():
    rows = resources.rows("units.tsv")
    return sorted(((p, u, c) for p, u, c in rows), key=lambda r: -len(r[0]))


@functools.lru_cache(maxsize=None)
def _cues(role: str) -> tuple[str, ...]:
    # a tuple: the cached value is shared by every caller and must not be changed
    return tuple(sorted((w for r, w in resources.rows("target_cues.tsv") if r == role), key=len, reverse=True))


@dataclass
class Quantity:
    """A number with its unit, found in a text; offsets relative to that text."""

    start: int
    end: int
    value: float
    unit: str
    unit_class: str
    raw: str
    comparator: str = "="
    value_from: float | None = None
    group: int = -1


def _pattern() -> re.Pattern[str]:
    units = "|".join(re.escape(p) for p, _, _ in _units())
    return re.compile(
        rf"(?P<pct>百分之(?P<pctnum>{_ARABIC}|{_CN}))"
        # 余/多 stand after the multiplier (4万余名) or before it (1370多亿元, 300多万人)
        rf"|(?P<num>{_ARABIC}|{_CN})\s?(?P<approx0>余|多)?(?P<mult>万亿|亿|万|千)?(?P<approx>余|多)?\s?"
        rf"(?P<unit>{units})?(?P<approx2>余|多)?"
    )


_PAT: re.Pattern[str] | None = None


@functools.lru_cache(maxsize=None)
def _unit_map() -> dict[str, tuple[str, str]]:
    return {p: (u, c) for p, u, c in _units()}


@functools.lru_cache(maxsize=None)
def _rules() -> dict[str, re.Pattern[str]]:
    """The rules of ``quantity_rules.tsv`` that drop a number, one alternation per place they
    look at (before, after, span): a number is dropped when any rule matches."""
    by_where: dict[str, list[str]] = {}
    for _reason, where, rx in resources.rows("quantity_rules.tsv"):
        by_where.setdefault(where, []).append(f"(?:{rx})")
    return {where: re.compile("|".join(rxs)) for where, rxs in by_where.items()}


def _money_nouns() -> tuple[str, ...]:
    return resources.lines("money_nouns.tsv")


def _in_quotes(text: str, i: int) -> bool:
    left = text[:i]
    return left.count("“") > left.count("”")


def find_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text`` (offsets into it), with ranges merged and lists grouped."""
    global _PAT
    _PAT = _PAT or _pattern()
    unit_map = _unit_map()
    rules = _rules()
    out: list[Quantity] = []
    for m in _PAT.finditer(text):
        if m.group("pct"):
            num = m.group("pctnum")
            v = float(num) if num[0].isdigit() else cn_number(num)
            if v is not None and (num[0].isdigit() or _MAGNITUDE.search(num) or "点" in num):
                out.append(Quantity(m.start(), m.end(), v, "%", "percent", m.group(0)))
            continue
        num, mult, unit = m.group("num"), m.group("mult"), m.group("unit")
        arabic = num[0].isdigit()
        if not arabic:
            # Chinese numerals: only with a magnitude (五十个, 两千张), never inside quotes
            if not _MAGNITUDE.search(num) or _in_quotes(text, m.start()):
                continue
            v = cn_number(num)
        else:
            v = float(num.replace(",", ""))
            if mult:
                v *= {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3}[mult]
        if v is None:
            continue
        end = m.end()
        if unit is None:
            # a bare amount with 万/亿 before a money noun is money (安排100万资金)
            after = text[end : end + 4]
            if mult and after.startswith(_money_nouns()):
                unit_n, cls = "元", "money"
            else:
                continue
        else:
            unit_n, cls = unit_map[unit]
        around = {"before": text[max(0, m.start() - 4) : m.start()], "after": text[end : end + 4], "span": m.group(0)}
        if any(rx.search(around[where]) for where, rx in rules.items()):
            continue
        # a digit glued to a preceding digit run is not a separate number (dates already masked)
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        comp = ">=" if (m.group("approx0") or m.group("approx") or m.group("approx2")) else "="
        raw = m.group(0).strip()
        out.append(Quantity(m.start(), m.start() + len(m.group(0).rstrip()), v, unit_n, cls, raw, comp))
    return _merge(text, out)


def _merge(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Merge ranges (1-2名, 从500元提高至900元) and group distributive lists (5%、8%)."""
    merged: list[Quantity] = []
    for q in qs:
        if merged:
            p = merged[-1]
            between = text[p.end : q.start]
            from_to = _FROM_TO.match(between) and _FROM.search(text[max(0, p.start - 2) : p.start])
            if (_RANGE.match(between) or from_to) and (p.unit in (q.unit, "") or p.unit_class == q.unit_class):
                p.value_from, p.value, p.end = p.value, q.value, q.end
                p.unit, p.unit_class = q.unit, q.unit_class
                p.raw = text[p.start : q.end]
                p.comparator = q.comparator if q.comparator != "=" else p.comparator
                continue
        merged.append(q)
    # ranges written with a unit-less start ("1-2名"): the pattern saw only "2名"
    for q in merged:
        m = _RANGE_START.search(text[max(0, q.start - 12) : q.start])
        if m and q.value_from is None and "%" not in m.group(0):
            q.value_from = float(m.group(1).replace(",", ""))
            q.start -= len(m.group(0))
            q.raw = text[q.start : q.end]
    g = 0
    for i, q in enumerate(merged):
        if i and _JOINERS.match(text[merged[i - 1].end : q.start]) and merged[i - 1].unit == q.unit:
            q.group = merged[i - 1].group
        else:
            g += 1
            q.group = g
    return merged


def infer_genre(title: str, part_titles: list[str]) -> str:
    """Genre of a text that is not in the manifest, from its title and part headings."""
    # the most specific title word wins: 政府工作报告 over 工作报告
    hits = [
        (m.end() - m.start(), genre)
        for genre, rx in resources.rows("title_words.tsv")
        if (m := re.search(rx, title or ""))
    ]
    if hits:
        return max(hits, key=lambda h: h[0])[1]
    kinds = [_part_kind(t) for t in part_titles]
    if "actual" in kinds and "target" in kinds:
        return "progress_report"
    return "work_plan"


def _part_kind(title: str) -> str | None:
    for kind, rx in resources.rows("section_kinds.tsv"):
        if re.search(rx, title or ""):
            return kind
    return None


@functools.lru_cache(maxsize=None)
def _cue_regex(role: str) -> re.Pattern[str]:
    """Alternation of a role's cue words, longest first (so 不超过 wins over 超过). A target
    cue that closes a quotation ends a programme's name (入选“双高计划”) and commits to
    nothing; unquoted, a plan is often what sets the figure (制定…计划,确定…30个社区)."""
    alt = "|".join(map(re.escape, _cues(role))) or "(?!)"
    return re.compile(f"(?:{alt})(?![{_CLOSE_Q}])" if role == "target" else alt)


def _last_cue(text: str, role: str) -> str:
    last = ""
    for m in _cue_regex(role).finditer(text):
        last = m.group(0)
    return last


def _first_cue(text: str, role: str) -> str:
    m = _cue_regex(role).search(text)
    return m.group(0) if m else ""


#: Where the phrase after a number stops; 安排 ends it at once (地区生产总值按增长5%安排:
#: what grows is on the left).
_STOP_RIGHT = re.compile(r"(?:开展|进行|引入|发放|参与|已经|已|全部|目前|得到|达到|实现|提供|纳入|享受|安排|,|。)")
_PERSON_UNITS = {"人", "人次", "名", "户", "户次"}
_TIME_HEAD = re.compile(r"^(?:到|至|在|截至)?(?:19|20)\d{2}年(?:底|末|初|前|内)?(?:前)?")


@functools.lru_cache(maxsize=None)
def _list_head() -> re.Pattern[str]:
    """A list marker at the head of a phrase (三是全年实施临时救助, ②新建): the outline's
    list and minor numbering styles, which also run inline, inside a paragraph."""
    rxs = [
        rx.pattern
        for _, variant, role, rx in resources.numbering_styles()
        if variant == "ok" and role in ("list", "minor")
    ]
    # each style names its numeral group "num"; in one alternation the name may stand once
    return re.compile("^(?:" + "|".join(f"(?:{rx.replace('(?P<num>', '(?:')})" for rx in rxs) + ")")


@functools.lru_cache(maxsize=None)
def _head_regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    alt = "|".join(map(re.escape, _cues("scope") + _cues("commitment")))
    return (
        re.compile(f"(?:{alt})"),
        re.compile("|".join(map(re.escape, _cues("verb")))),
        re.compile("|".join(map(re.escape, _cues("splits")))),
    )


#: What joins two verbs at a phrase's head (新建和改造): the second is stripped too.
_JOINED_VERB = re.compile(r"[和及与、]")


def _strip_head(s: str, keep_verb: bool) -> str:
    """Drop scope words (全市, 其中 …) and commitments from the head, then one verb (新增 …)
    unless that would leave a bare scope word or a single character (培训率 stays)."""
    head, verbs, splits = _head_regexes()
    commit = list(_cue_regex("commitment").finditer(s))
    if commit and _cjk_len(s[commit[-1].end() :]) >= 2:
        s = s[commit[-1].end() :]  # 围绕……力争2019年全市低收入人口人均年收入 -> after 力争
    while True:
        t = _list_head().sub("", _TIME_HEAD.sub("", s))
        s = t if _cjk_len(t) >= 2 else s
        m = head.match(s)
        if not m or len(s) <= m.end() + 1:
            break
        s = s[m.end() :]
    if not keep_verb:
        # one verb, and the verbs joined to it (新建和改造, 改造提升; but 安排补助资金 keeps
        # 补助资金: only the verbs that pair with another, verb_pair, follow without a joiner)
        m = verbs.match(s)
        while m and len(s) - m.end() >= 2 and s[m.end() :] not in _cues("scope"):
            s = s[m.end() :]
            joined = _JOINED_VERB.match(s)
            m = verbs.match(s, joined.end()) if joined else _cue_regex("verb_pair").match(s)
            if joined and not m and len(s) > 3:
                s = s[joined.end() :]  # 改建和维护…: the joiner goes with the verb before it
        cut = max((m.end() for m in splits.finditer(s)), default=0)
        rest = s[cut:]
        # 财政民生支出增长: what follows 支出 is only the change, so the subject stays whole
        # 居民人均服务性消费支出占比: a share of what was spent, not a thing spent
        if (
            cut
            and _cjk_len(rest) >= 2
            and rest not in _cues("scope")
            and not _VERBS_ONLY.fullmatch(rest)
            and not rest.startswith(_cues("qualifier"))
        ):
            s = rest
    return s


@functools.lru_cache(maxsize=None)
def _tail_words() -> tuple[str, ...]:
    """Words a phrase does not end on: cue words, particles and prepositions, longest first
    (不超过 before 超过, which left 规范…工作事项不)."""
    particles = ("分别", "的", "、", "按照", "按", "从", "由")
    words = _cues("neutral") + _cues("ge") + _cues("le") + _cues("approx") + particles
    return tuple(sorted(words, key=len, reverse=True))


def _strip_tail(s: str) -> str:
    words = _tail_words()
    changed = True
    while changed and s:
        changed = False
        if not s.endswith(words):  # the usual case, in one call
            break
        for w in words:
            if s.endswith(w) and len(s) > len(w):
                s, changed = s[: -len(w)], True
                break
    return s.strip()


def _cjk_len(s: str) -> int:
    return len(CJK.findall(s))


@functools.lru_cache(maxsize=None)
def _anchor_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The cue words an indicator is cut at (达到, 不低于 …; not the suffix-only ones): those
    that count anywhere, and the one-character comparators that count only at the end (超)."""
    words = _cues("neutral") + tuple(c for c in _cues("ge") + _cues("le") if c not in _SUFFIX_ONLY)
    neutral = set(_cues("neutral"))
    return tuple(w for w in words if len(w) > 1 or w in neutral), tuple(
        w for w in words if len(w) == 1 and w not in neutral
    )


def _indicator(left: str, right: str, unit: str, unit_class: str) -> str:
    """What is counted: the noun after the measure word (建设50家养老服务网点) or, when the
    number ends its clause or is a rate, the phrase before it (持证上岗率达到50%)."""
    right = _RIGHT_HEAD.sub("", right)
    if right.startswith(("、", ";")):
        right = ""  # 增长5.3%、增量保持全国第一: after 、 comes the next item of the list
    of = right.startswith("的")
    r = _STOP_RIGHT.split(right[1:] if of else right, maxsplit=1)[0].strip().rstrip("、和及与")
    # 治理600平方公里以上、水土流失综合治理2980平方公里: the 以上 is the previous figure's
    left = _LEFT_HEAD.sub("", left).lstrip("、 ")
    if left in ("和", "及", "与", "或"):
        left = ""
    base = ""
    i, w = _nearest_cue(left, *_anchor_words())
    if w:
        tail = left[i + len(w) :]
        if _RATE_BASE.fullmatch(tail or "-"):
            base, left = tail, left[:i]  # 不低于每人每月300元: the base of the rate
        elif tail.endswith("的"):
            # 农村低保标准不低于城市低保标准的80%: the subject, else the reference
            subject = _SUBJECT_PREP.sub("", left[:i].strip())
            subject = _strip_head(_strip_tail(subject), keep_verb=False)
            left = left[:i] if _cjk_len(subject) >= 2 else tail
        elif tail:
            left = tail  # 养老床位数达到每千名老年人拥有床位 -> the part after 达到
    trailing_base = _TRAILING_BASE.search(left)
    if trailing_base and not base:
        base, left = trailing_base.group(0), left[: trailing_base.start()]  # 领取了每月 | 55元
    l_phrase = _strip_head(_strip_tail(left.strip()), keep_verb=unit in _PERSON_UNITS)
    verbal = (
        _cjk_len(l_phrase) <= 2
        or l_phrase.startswith("的")
        or l_phrase.endswith(("了", "着", "过", *_cues("verb"), *_cues("scope")))
    )
    if unit_class in ("percent", "percent_point") or of:
        use_right = bool(r) and verbal
    else:
        use_right = bool(r) and _CJK_START.match(r) is not None
    if use_right and l_phrase and r.lstrip("新").startswith(tuple(_cues("milestone"))):
        use_right = False  # 跃上1.4万亿斤新台阶: what reached the level is on the left
    phrase = r if use_right else (l_phrase or r)
    if base and base not in phrase:
        phrase = f"{phrase}({base.rstrip('的')})"
    return phrase.strip()[:40]


_PER_UNIT = re.compile(rf"\s*/\s*([{CJK_RANGE}]{{1,2}})")


def _nearest(text: str, words: list[str]) -> tuple[int, str]:
    """The word whose last occurrence ends nearest the end of ``text``; the longer wins a
    tie (不超过, not 超过; 提高到, not 到). ``(-1, "")`` when none occurs."""
    best = (-1, 0, -1, "")
    for w in words:
        i = text.rfind(w)
        if i >= 0 and (i + len(w), len(w)) > best[:2]:
            best = (i + len(w), len(w), i, w)
    return best[2], best[3]


@functools.lru_cache(maxsize=None)
def _prefix_roles() -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
    """Comparator word -> symbol, the words that count anywhere before the number, and the
    one-character ones that count only right before it."""
    roles = {
        w: sym
        for role, sym in (("ge", ">="), ("le", "<="), ("approx", "~"))
        for w in _cues(role)
        if w not in _SUFFIX_ONLY
    }
    return roles, tuple(w for w in roles if len(w) > 1), tuple(w for w in roles if len(w) == 1)


def _nearest_cue(left: str, anywhere: tuple[str, ...], at_end: tuple[str, ...]) -> tuple[int, str]:
    """:func:`_nearest` of the words that count anywhere before the number and of the
    one-character comparators (超, 约, 近) that count only right before it: 近年来 does not
    make the 100张 that follows approximate, nor does 超市 make a bound."""
    left = _hide_compounds(left)
    end = left.rstrip()
    return _nearest(left, anywhere + tuple(w for w in at_end if end.endswith(w)))


def _hide_compounds(text: str) -> str:
    """``text`` with the words that hold a cue word without being one (达标率, 为老服务)
    blanked out, offsets kept, so that no cue is found inside them."""
    return _cue_regex("compound").sub(lambda m: "\ue000" * len(m.group(0)), text)


def _prefix_comparator(left: str) -> str:
    """The comparator of the comparator word nearest before the number (不低于 80%)."""
    roles, anywhere, at_end = _prefix_roles()
    _, w = _nearest_cue(left, anywhere, at_end)
    return roles.get(w, "=")


#: How far a quantity's sentence and clause reach on either side, at most: a sentence in
#: these documents is rarely over 200 characters, and a text without sentence marks (one
#: scraped line) must not make every quantity read the whole section.
CONTEXT_MAX = 400


def _marks(rx: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the (one-character) matches of ``rx`` in ``text``."""
    starts = [m.start() for m in rx.finditer(text)]
    return starts, [a + 1 for a in starts]


def _last_before(marks: tuple[list[int], list[int]], pos: int) -> int:
    """End of the last mark that ends at or before ``pos`` (0 when none)."""
    ends = marks[1]
    i = bisect.bisect_right(ends, pos)
    return ends[i - 1] if i else 0


def _first_from(marks: tuple[list[int], list[int]], pos: int, default: int) -> int:
    """Start of the first mark at or after ``pos`` (``default`` when none)."""
    starts = marks[0]
    i = bisect.bisect_left(starts, pos)
    return starts[i] if i < len(starts) else default


_LIST_SEP = re.compile(r"、|和|及|与")


#: A listed subject is at most this long (规上高技术制造业); a longer piece before 、 is a
#: clause of its own, not one of the subjects the listed values belong to.
SUBJECT_MAX = 10


def _bind_subjects(indicator: str, n: int) -> list[str] | None:
    """The indicator of each of ``n`` listed values when it opens with a list of as many
    subjects (黄埔、番禺、南沙的低保标准 -> 黄埔的低保标准, 番禺的低保标准, 南沙的低保标准;
    城市和农村特困人员基本生活标准 -> 城市特困人员…, 农村特困人员…); None when it does not.

    The last subject runs into the shared words: it ends at a word boundary where the shared
    words begin with what is counted rather than a verb, the one nearest the mean length of
    the other subjects (汽车用锂电池、太阳能电池、工业机器人产量分别增长 -> 工业机器人 | 产量…,
    not 工业机器人产 | 量…), the shorter on a tie.
    """
    from analysis.corpus.segment import cut  # loaded with the pipeline already

    parts = _LIST_SEP.split(indicator, maxsplit=n - 1)
    if len(parts) != n or not all(parts) or any(len(p) > SUBJECT_MAX for p in parts[:-1]):
        return None
    mean = sum(map(len, parts[:-1])) / (n - 1)
    last = parts[-1]
    # the shared words open with what is counted (产量, 增加值), not with 分别 or a verb
    tokens = cut(last)
    ends = list(accumulate(map(len, tokens)))
    bounds = [b for b, nxt in zip(ends, tokens[1:]) if not _VERBS_ONLY.fullmatch(nxt)]
    if not bounds:
        return None
    width = min(bounds, key=lambda b: (abs(b - mean), b))
    last, rest = parts[-1][:width], parts[-1][width:]
    if not CJK.match(last):
        return None
    return [f"{p}{rest}" for p in [*parts[:-1], last]]


def document_year(sections) -> int | None:
    """The year of a file outside the manifest: the year in its title, else in its date line
    (——2024年3月5日在…会议上)."""
    pre = [r for r in as_rows(sections) if r.level == 0]
    found = re.search(r"((?:19|20)\d{2})年", pre[0].title if pre else "") or re.search(
        r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日", pre[0].text[:500] if pre else ""
    )
    return int(found.group(1)) if found else None


#: Quotation marks around a name (“双20条”, “5+1”专项整治).
_OPEN_Q, _CLOSE_Q = "“「『", "”」』"


def _quoted(seg: str, start: int, end: int) -> bool:
    """Whether ``seg[start:end]`` stands inside quotation marks within its line: a figure in a
    name (推出稳经济“30条”, “双20条”政策) counts nothing."""
    line_start = seg.rfind("\n", 0, start) + 1
    line_end = seg.find("\n", end)
    before = seg[line_start:start]
    after = seg[end : line_end if line_end >= 0 else len(seg)]
    opened = max(before.rfind(c) for c in _OPEN_Q)
    if opened < 0 or opened < max(before.rfind(c) for c in _CLOSE_Q):
        return False
    closes = [i for i in (after.find(c) for c in _CLOSE_Q) if i >= 0]
    opens = [i for i in (after.find(c) for c in _OPEN_Q) if i >= 0]
    return bool(closes) and (not opens or min(closes) < min(opens))


def _in_cell(left: str, right: str) -> tuple[str, str]:
    """The context of a figure in a table row (cells parted by tabs, as the tables of Word
    files and pages come out). What it counts is in its own cell, or in the cell before when
    its own holds no more than a verb (新增养老床位 | 300张; 护理型床位占比 | 达到60%); the
    cells after it (责任单位) and before that (序号) are not part of it."""
    if "\t" in right:
        right = right[: right.index("\t")]
    if "\t" in left:
        *before, own = left.split("\t")
        left = own if _cjk_len(_VERBS_ONLY.sub("", own)) >= 2 else before[-1] + own
    return left, right


def _leading_noun(indicator: str) -> str:
    """The subject at the head of an indicator, before its first verb (国内生产总值达到 ->
    国内生产总值)."""
    m = _VERBS_ONLY.search(indicator)
    return indicator[: m.start()] if m else indicator


def extract(sections, masked: str, doc_id: str, genre: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The ``targets`` table of one document (see :func:`extract_records`)."""
    return frame(extract_records(sections, masked, doc_id, genre, year), "targets")


def extract_records(sections, masked: str, doc_id: str, genre: str | None = None, year: int | None = None) -> list:
    """The ``targets`` rows of one document.

    Args:
        sections: the document's ``sections`` rows (a frame or row tuples).
        masked: its normalised text with removed spans blanked (``Cleaned.masked``).
        doc_id: the document id.
        genre: from the manifest; inferred from the text when None.
    """
    sections = as_rows(sections)
    pre = [r for r in sections if r.level == 0]
    if genre is None:
        genre = infer_genre(pre[0].title if pre else "", [r.title for r in sections if r.level == 1])
    if year is None:
        year = document_year(sections)
    default = KIND_BY_GENRE.get(genre, "target")
    Row = row_type("targets")
    by_id = {r.section_id: r for r in sections}
    parent = {r.section_id: r.parent_id for r in sections}
    rows = []
    for sec in sections:
        start, end = int(sec.char_start), int(sec.own_end)
        seg = masked[start:end]
        first = seg.lstrip()
        lead = len(seg) - len(first)
        if sec.label_raw and first.startswith(sec.label_raw):
            seg = seg[:lead] + " " * len(sec.label_raw) + seg[lead + len(sec.label_raw) :]
        part = next((by_id[a] for a in ancestors(sec.section_id, parent) if by_id[a].level == 1), sec)
        context = (_part_kind(part.title) if part.level == 1 else None) or default
        qs = [q for q in find_quantities(seg) if not _quoted(seg, q.start, q.end)]
        groups: dict[int, list[Quantity]] = {}
        for q in qs:
            groups.setdefault(q.group, []).append(q)
        prev_end = 0
        starts = sorted(q.start for q in qs)
        # sentence and clause marks found once per section: each quantity looks its
        # boundaries up by bisection, so a long section costs linear time, not quadratic
        sents, delims = _marks(_SENT, seg), _marks(_DELIM, seg)
        subject: tuple[int, str] | None = None  # (sentence start, subject of the last figure)
        for members in groups.values():
            head, tail = members[0], members[-1]
            floor = max(0, head.start - CONTEXT_MAX)
            s0 = max(_last_before(sents, head.start), floor)
            s1 = min(_first_from(sents, tail.end, len(seg)), tail.end + CONTEXT_MAX)
            c0 = max(_last_before(delims, head.start), prev_end if prev_end <= head.start else 0, floor)
            nxt = bisect.bisect_right(starts, tail.end)
            c1 = min(
                _first_from(delims, tail.end, len(seg)),
                starts[nxt] if nxt < len(starts) else len(seg),
                tail.end + CONTEXT_MAX,
            )
            left, right = _in_cell(seg[c0 : head.start], seg[tail.end : c1])
            sent_left = seg[s0 : head.start]
            after = seg[tail.end : tail.end + 3]
            comp = "="
            for role, sym in (("ge", ">="), ("le", "<="), ("approx", "~")):
                if any(after.startswith(w) for w in _cues(role) if w in _SUFFIX_COMPARATORS):
                    comp = sym
            if comp == "=":
                comp = _prefix_comparator(left)
            kind = context
            hidden = _hide_compounds(sent_left)
            cue_a, cue_t = _last_cue(hidden, "actual"), _last_cue(hidden, "target")
            # the cue that ends last decides (完成年度目标的63%: 年度目标的 ends after 目标)
            if cue_t and (not cue_a or hidden.rfind(cue_t) + len(cue_t) > hidden.rfind(cue_a) + len(cue_a)):
                kind = "target"
            elif cue_a:
                kind = "actual"
            ref_year, ref_period = reference(kind, genre, year, part.title if part.level == 1 else "", sent_left)
            # 2023年,全市共保障低保对象8.6万人 in a plan for 2024: a figure dated before the
            # plan's year is a result, unless a target cue says otherwise
            if kind == "target" and not cue_t and year and ref_year is not None and ref_year < year:
                kind = "actual"
            # a rejoined line break leaves a space between two characters of one phrase
            indicator = _USUAL_BASE.sub("", _CJK_GAP.sub("", _indicator(left, right, head.unit, head.unit_class)))
            # 国内生产总值达到134.9万亿元、增长5%: a bare verb takes the subject of the figure
            # before it in the same sentence
            if subject and subject[0] == s0 and len(_VERBS_ONLY.sub("", indicator)) < 2:
                indicator = subject[1] + indicator
            noun = _VERBS_ONLY.sub("", indicator)
            if len(noun) >= 2 and indicator.startswith(noun[:2]):
                subject = (s0, _leading_noun(indicator))
            per = _PER_UNIT.match(seg, tail.end)
            if per and f"每{per.group(1)}" not in indicator:
                indicator = f"{indicator}(每{per.group(1)})"  # 1200元/人次
            verb = _last_cue(_hide_compounds(left), "verb")
            commitment = _first_cue(sent_left, "commitment")
            sentence = _SPACES.sub(" ", seg[s0:s1]).strip()
            # 黄埔、番禺、南沙的低保标准分别为2413元、2512元、2121元: each value its subject
            subjects = _bind_subjects(indicator, len(members)) if len(members) > 1 else None
            for n, q in enumerate(members):
                rows.append(
                    Row(
                        target_id=f"{doc_id}:{start + q.start}",
                        doc_id=doc_id,
                        section_id=sec.section_id,
                        value=q.value,
                        value_from=q.value_from,
                        unit=q.unit,
                        raw=q.raw,
                        comparator=q.comparator if q.comparator != "=" else comp,
                        kind=kind,
                        indicator=subjects[n] if subjects else indicator,
                        verb=verb,
                        commitment=commitment,
                        theme_id=None,
                        sentence=sentence,
                        char_start=start + q.start,
                        char_end=start + q.end,
                        ref_year=ref_year,
                        ref_period=ref_period,
                    )
                )
            prev_end = tail.end
    return rows


_BARE = re.compile(rf"(?<![\d.·])(\d{{1,4}})(?=[{CJK_RANGE}])")


def lost_measure_words(masked: str) -> list[Span]:
    """Flag numbers that lost their measure word (建设28示范食堂, 新建30示范社区):
    a bare number after a verb or a list joiner, followed by a noun rather than a unit."""
    units = tuple(p for p, _, _ in _units())
    verbs = tuple(_cues("verb")) + ("和", "及", "、", "改造", "计划改造")
    not_after = ("年", "月", "日", "号", "届", "级", "周", "岁", "次", "点", "时", "分", "万", "亿", "千", "余", "多")
    out = []
    for m in _BARE.finditer(masked):
        before = masked[max(0, m.start() - 4) : m.start()]
        if masked.startswith(units + not_after, m.end()) or not before.endswith(verbs):
            continue
        out.append(
            Span(
                m.start(), m.end(), "lost_measure_word", masked[max(0, m.start() - 4) : m.end() + 6].strip(), "flagged"
            )
        )
    return out

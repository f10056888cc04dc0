"""The outline parser: numbered parts, items and sub-items of an official document.

Nesting follows the order in which numbering styles appear, as in Chinese official
documents: the first style seen is level 1, a style not yet on the stack opens a deeper
level, and a style already on the stack closes everything below it. Levels are 0 for the
front matter and preamble, 1 for parts, 2 for items and 3+ for sub-items.

Spans. Each section has a contiguous *own span*: its heading and body up to its first
child (for a leaf, everything it owns). Own spans of all sections and the removed spans of
:mod:`analysis.clean` together cover the normalised text exactly; a removed span lies either
wholly inside one own span (spam, a stray navigation line) or outside all of them.
``char_start``/``char_end`` of a section cover its whole subtree.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

from analysis import resources
from analysis.ingest.clean import Cleaned, Line, Span, scan
from analysis.schema import frame, row_type
from analysis.zh import CJK, cn_number

if TYPE_CHECKING:  # pandas is loaded by whoever asks for a frame
    import pandas as pd

__all__ = ["Outline", "parse", "parse_text", "coverage_problems", "TITLE_MAX", "STANDALONE_MAX", "LEAD_MAX"]

#: A heading sentence longer than this is taken to have lost its 。 and is cut earlier.
TITLE_MAX = 40
#: A numbered line without 。 up to this long is a heading line standing on its own.
STANDALONE_MAX = 60
#: A lead sentence (unnumbered item heading, 完善养老服务政策。) is at most this long.
LEAD_MAX = 25
_SENT_PUNCT = "。;:!?,"
_DANGLING = tuple("的和与及等了之并或")
_PARTIAL = re.compile(rf"[(（]\s*(?:{resources.NUM}|\d{{1,3}})?\s*")


@dataclass
class _Marker:
    style: str
    variant: str
    role: str
    label: str
    num: int | None
    rest: str


@dataclass
class _Para:
    start: int
    end: int
    text: str
    lines: list[int]
    marker: _Marker | None = None
    joined: bool = False

    @functools.cached_property
    def standalone(self) -> bool:
        """A heading line on its own, no body after it.

        A numbered line qualifies when it holds one sentence at most (commas allowed:
        加快“保生存”向“保基本”转变,提升保障民生能力). An unnumbered line must look like a
        heading on its own merits: short, no punctuation, not ending on a particle.
        """
        if self.marker:
            s = self.marker.rest.rstrip("。:")
            return len(s) <= STANDALONE_MAX and "。" not in s
        s = self.text
        return (
            len(s) <= TITLE_MAX
            and not any(p in s for p in _SENT_PUNCT)
            and not s.endswith(_DANGLING)
            and bool(CJK.search(s))
        )

    @functools.cached_property
    def lead(self) -> str | None:
        """The short first sentence of an unnumbered paragraph, if it has one and a body."""
        s = self.marker.rest if self.marker else self.text
        i = s.find("。")
        if 0 < i <= LEAD_MAX and i < len(s) - 1 and "," not in s[:i] and CJK.search(s[:i]):
            return s[:i]
        return None


@dataclass
class _Node:
    level: int
    style: str
    label: str
    num: int | None
    expected: int | None
    parent: "_Node | None"
    paras: list[_Para] = field(default_factory=list)
    children: list["_Node"] = field(default_factory=list)
    title: str = ""
    lines: list[int] = field(default_factory=list)


@dataclass
class Outline:
    """Result of :func:`parse`: the ``sections`` rows and the quality issues it raised."""

    records: list
    issues: list[Span]
    #: offsets of the line breaks inside paragraphs (a cut line, rejoined)
    joins: list[int] = field(default_factory=list)

    @property
    def sections(self) -> pd.DataFrame:
        return frame(self.records, "sections")


@functools.lru_cache(maxsize=4096)
def _num(s: str | None) -> int | None:
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if len(s) == 1 and "①" <= s <= "⑳":
        return ord(s) - ord("①") + 1
    v = cn_number(s)
    return None if v is None else int(v)


@functools.lru_cache(maxsize=None)
def _any_marker() -> re.Pattern[str]:
    """Every numbering style in one pattern: most paragraphs open with none, and one C-level
    match rules them out before the styles are tried one by one."""
    parts = [rx.pattern.replace("(?P<num>", "(?:") for _, _, _, rx in resources.numbering_styles()]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _marker(s: str) -> _Marker | None:
    if not _any_marker().match(s):
        return None
    for style, variant, role, rx in resources.numbering_styles():
        m = rx.match(s)
        if m:
            rest = s[m.end() :].strip()
            if not rest:
                return None
            num_s = m.groupdict().get("num")
            return _Marker(style, variant, role, m.group(0).strip(), _num(num_s), rest)
    return None


def _visible(text: str, start: int, end: int, cuts: list[Span]) -> str:
    out, pos = [], start
    for c in cuts:
        if c.end <= start or c.start >= end:
            continue
        out.append(text[pos : max(pos, c.start)])
        pos = max(pos, c.end)
    out.append(text[pos:end])
    return "".join(out)


def _paragraphs(cl: Cleaned, issues: list[Span], joins: list[int]) -> list[_Para]:
    """The paragraphs of the text; ``joins`` receives the offsets of the line breaks that
    fall inside a paragraph."""
    inline = [s for s in cl.spans if s.action == "removed" and s.inline]
    width = _wrap_width(cl)
    idx = [i for i, ln in enumerate(cl.lines) if ln.stripped and i not in cl.removed_lines]
    paras: list[_Para] = []
    k = 0
    while k < len(idx):
        i = idx[k]
        ln: Line = cl.lines[i]
        text = _visible(cl.text, ln.start, ln.end, inline).strip()
        group = [i]
        # A numbering bracket split from its numeral, or a bare label, joins the next line.
        if k + 1 < len(idx) and len(text) <= 8 and (_PARTIAL.fullmatch(text) or _bare_label(text)):
            j = idx[k + 1]
            nxt = _visible(cl.text, cl.lines[j].start, cl.lines[j].end, inline).strip()
            issues.append(Span(ln.start, cl.lines[j].end, "split_numbering", text + "⏎" + nxt[:10], "repaired"))
            text, group = text + nxt, [i, j]
            k += 1
        # a paragraph cut by line breaks (at a hyperlink in a web capture, at the page edge
        # in a PDF) goes on until a line ends its sentence
        start_k = k
        # a page number between two lines (— 3 — in a PDF) does not part them
        while k + 1 < len(idx) and all(x in cl.page_lines for x in range(group[-1] + 1, idx[k + 1])):
            j = idx[k + 1]
            nxt = _visible(cl.text, cl.lines[j].start, cl.lines[j].end, inline).strip()
            if not _continues(text, nxt, len(cl.lines[group[-1]].stripped), width):
                break
            # the line breaks around a page number between them are inside the paragraph too
            joins.extend(cl.lines[x].start - 1 for x in range(group[-1] + 1, j + 1))
            text, group = text + nxt, [*group, j]
            k += 1
        if k > start_k:
            issues.append(Span(ln.start, cl.lines[group[-1]].end, "broken_line", text[:30], "repaired"))
        p = _Para(cl.lines[group[0]].start, cl.lines[group[-1]].end, text, group, joined=len(group) > 1)
        p.marker = _marker(text)
        paras.append(p)
        k += 1
    return paras


#: After NFKC: the characters that end a paragraph (a sentence mark, a closing quote or
#: bracket after one).
_TERMINAL = tuple("。!?;:…”」』)】")
#: A line starting with one of these continues the line before it.
_CONTINUATION = re.compile(r"^[,、。;:!?)”」』%]")
#: Longer than this (numbered: ``BROKEN_NUMBERED``) and not ending a sentence: a paragraph
#: that a line break cut, not a heading.
BROKEN_MIN = STANDALONE_MAX
BROKEN_NUMBERED = 100


def _continues(text: str, nxt: str, last_len: int, width: int | None) -> bool:
    """Whether line ``nxt`` continues the paragraph ``text`` (whose last line is ``last_len``
    characters long, in a text hard-wrapped at ``width`` characters, if it is)."""
    if not nxt or _marker(nxt):
        return False
    if _CONTINUATION.match(nxt):
        return True
    if text.endswith(_TERMINAL):
        return False
    if len(text) > (BROKEN_NUMBERED if _marker(text) else BROKEN_MIN):
        return True
    return width is not None and last_len >= width - 1


def _wrap_width(cl: Cleaned) -> int | None:
    """The line width of a hard-wrapped text (a PDF's page width in characters), or None.

    A text is hard-wrapped when most of its lines are about as long as the longest ones and
    most of those stop mid-sentence.
    """
    lens = sorted(len(ln.stripped) for i, ln in enumerate(cl.lines) if ln.stripped and i not in cl.removed_lines)
    if len(lens) < 10:
        return None
    width = lens[int(len(lens) * 0.9)]
    full = [ln.stripped for ln in cl.lines if width - 1 <= len(ln.stripped) <= width]
    open_ended = sum(not s.endswith(_TERMINAL) for s in full)
    if not 20 <= width <= 80 or len(full) < max(5, len(lens) // 3) or open_ended < 0.6 * len(full):
        return None
    return width


def _bare_label(s: str) -> bool:
    for _, _, _, rx in resources.numbering_styles():
        m = rx.match(s)
        if m and not s[m.end() :].strip():
            return True
    return False


def _title(p: _Para, issues: list[Span]) -> str:
    s = p.marker.rest if p.marker else p.text
    if p.standalone:
        return s.rstrip("。:").strip()
    i = s.find("。")
    if 0 < i <= TITLE_MAX:
        return s[:i].strip()
    cut = min((j for j in (s.find(c) for c in "。,;:") if j > 0), default=min(len(s), TITLE_MAX))
    issues.append(Span(p.start, p.end, "lost_sentence_end", s[: cut + 10], "flagged"))
    return s[:cut].strip()


#: The style of an annex part (附件1): top level, its own numbering nested under it.
ANNEX = "annex"

#: The style of a part heading printed without a numeral (2026年重点工作).
UNNUMBERED_PART = "unnumbered_part"
#: Numbered styles that make a document's parts numbered ones.
_PART_STYLES = {"cn_dun", "cn_zhang", "cn_bufen"}


def _unnumbered_parts(paras: list[_Para]) -> set[int]:
    """Indices of the paragraphs that are part headings without a numeral: stand-alone lines
    naming a part (``resources/part_headings.tsv``), at least two of them, the first before
    any numbered part (一、, 第一章 …), which then nest under them."""
    first_numbered = next((k for k, p in enumerate(paras) if p.marker and p.marker.style in _PART_STYLES), len(paras))
    rx = resources.alternation("part_headings.tsv")
    title = re.compile("(?:" + "|".join(r for _, r in resources.rows("title_words.tsv")) + ")$|^关于")
    found = {
        k
        for k, p in enumerate(paras)
        if p.marker is None and p.standalone and rx.search(p.text) and not title.search(p.text)
    }
    return found if len(found) >= 2 and min(found) < first_numbered else set()


class _Builder:
    def __init__(self, paras: list[_Para], issues: list[Span]):
        self.paras = paras
        self.issues = issues
        self.nodes: list[_Node] = []
        self.stack: list[_Node] = []
        self.last_of_style: dict[str, _Node] = {}
        self.continuing: dict[str, bool] = {}
        self.rank: dict[str, int] = {}  # heading styles in order of first appearance
        self.address_break = False  # an address to the audience since the last marker
        self.first_parent: dict[str, str | None] = {}  # style each heading style first sat under
        # the last child of each style under each parent (None: the top level), so that
        # opening a node costs the same in the 5,000th part as in the first
        self.last_sibling: dict[tuple[int, str], _Node] = {}
        # what the forward scans need, computed once (the markers ahead of the current
        # paragraph do not change while the outline is built)
        self.marker_at = [k for k, q in enumerate(paras) if q.marker]
        self.last_heading = max((k for k in self.marker_at if paras[k].marker.role == "heading"), default=-1)
        self.n_standalone = list(accumulate((q.marker is None and q.standalone for q in paras), initial=0))
        self.n_lead = list(accumulate((q.marker is None and q.lead is not None for q in paras), initial=0))
        self.unnumbered_parts = _unnumbered_parts(paras)

    def _expected(self, style: str, parent: _Node | None, num: int | None) -> int:
        sib = self.last_sibling.get((id(parent), style))
        if sib is not None:
            return (sib.expected or 0) + 1
        last = self.last_of_style.get(style)
        if last is None:
            return 1
        cont = (last.expected or 0) + 1
        if num == 1 and style not in self.continuing:
            self.continuing[style] = False
        elif num == cont and style not in self.continuing:
            self.continuing[style] = True
        return cont if self.continuing.get(style, False) else 1

    def _open(
        self, p: _Para | None, style: str, label: str, num: int | None, variant: str, level_style_pos: int | None
    ) -> _Node:
        if level_style_pos is not None:
            del self.stack[level_style_pos:]
        parent = self.stack[-1] if self.stack else None
        expected = self._expected(style, parent, num)
        node = _Node(level=len(self.stack) + 1, style=style, label=label, num=num, expected=expected, parent=parent)
        if parent:
            parent.children.append(node)
        self.last_sibling[(id(parent), style)] = node
        self.nodes.append(node)
        self.stack.append(node)
        self.last_of_style[style] = node
        if p is not None:
            node.paras.append(p)
            node.title = _title(p, self.issues)
            if variant == "garbled":
                self.issues.append(Span(p.start, p.end, "numbering_garbled", p.text[:30], "flagged"))
            if variant == "missing":
                self.issues.append(Span(p.start, p.end, "missing_numeral", p.text[:30], "repaired"))
            elif variant != "unnumbered" and (num is not None or variant == "garbled") and num != expected:
                # a marker that never has a number (——) cannot be out of sequence; a garbled
                # one (a bare ')') is, its number being lost
                self.issues.append(
                    Span(
                        p.start,
                        p.end,
                        "numbering_out_of_sequence",
                        f"{label or '∅'} at position {expected}: {p.text[:24]}",
                        "flagged",
                    )
                )
        return node

    def _heading_ahead(self, k: int) -> bool:
        return self.last_heading > k

    def _close_from(self, m: _Marker) -> int | None:
        """Stack position from which open nodes are closed before ``m`` opens a node."""
        styles = [n.style for n in self.stack]
        if m.style in styles:
            return styles.index(m.style)
        if m.role == "list":
            return None
        if m.style in self.first_parent:
            parent = self.first_parent[m.style]
            if parent is None:
                return 0
            if parent in styles:
                return styles.index(parent) + 1
        else:
            self.rank[m.style] = len(self.rank)
            if m.role == "minor":
                self.first_parent[m.style] = styles[-1] if styles else None
                return None
        r = self.rank[m.style]
        # below the deepest open style that ranks above this one
        pos = next((i for i, st in enumerate(styles) if st not in self.rank or self.rank[st] >= r), len(styles))
        self.first_parent.setdefault(m.style, styles[pos - 1] if pos else None)
        return pos

    def _missing_numeral(self, k: int) -> int | None:
        """Stack position of the style whose numeral this unnumbered paragraph lost, if the
        numbers on both sides prove a gap (…五、 [heading] 七、…) and it is the only
        candidate in that gap with the form of its siblings."""
        p = self.paras[k]
        for pos in range(len(self.stack)):
            last = self.stack[pos]
            if last.num is None or not last.paras:
                continue
            form = last.paras[0].standalone
            if form != p.standalone or (not form and p.lead is None):
                continue
            shallower = {n.style for n in self.stack[:pos]}
            counts = self.n_standalone if form else self.n_lead
            # from marker to marker: the unnumbered candidates in between are counted from
            # the prefix sums, and the scan ends once two are seen (the gap needs exactly one)
            for j in self.marker_at[bisect.bisect_left(self.marker_at, k) :]:
                cands = counts[j] - counts[k]
                if cands > 1:
                    break
                q = self.paras[j].marker
                if q.style in shallower:
                    break
                if q.style == last.style:
                    if q.num == last.num + 2 and cands == 1:
                        return pos
                    break
        return None

    def build(self) -> list[_Node]:
        pre: _Node | None = None
        for k, p in enumerate(self.paras):
            m = p.marker
            if m is not None and not self.stack and m.role == "list" and self._heading_ahead(k):
                m = p.marker = None  # a list line before the first heading is preamble
            if m is not None and m.role == ANNEX:
                if p.standalone and self.stack:
                    self._open_annex(p, m)
                    continue
                m = p.marker = None  # 附件 in a sentence, or before any part: text
            if m is not None:
                pos = self._close_from(m)
                if m.role == "list" and self.address_break and len(self.stack) > 1:
                    pos = 1  # after 各位代表！ a list belongs to the part (resources/speech_breaks.tsv)
                self.address_break = False
                self._open(p, m.style, m.label, m.num, m.variant, pos)
                continue
            if k in self.unnumbered_parts:
                # ranks above every numbered style, so that those nest under it
                self.rank.setdefault(UNNUMBERED_PART, -1)
                self.first_parent.setdefault(UNNUMBERED_PART, None)
                self._open(p, UNNUMBERED_PART, "", None, "unnumbered", 0 if self.stack else None)
                continue
            pos = self._missing_numeral(k) if self.stack else None
            if pos is not None:
                self._open(p, self.stack[pos].style, "", None, "missing", pos)
                continue
            if self.stack:
                self.stack[-1].paras.append(p)
                addressed = resources.alternation("speech_breaks.tsv").match(p.text)
                self.address_break = self.address_break or addressed is not None
            else:
                if pre is None:
                    pre = _Node(level=0, style="preamble", label="", num=None, expected=None, parent=None)
                    self.nodes.insert(0, pre)
                pre.paras.append(p)
        self._lead_items()
        return self.nodes

    def _open_annex(self, p: _Para, m: _Marker) -> None:
        """An annex closes every open node and starts a new numbering scope: the styles
        seen in the body are forgotten, so the annex's 一、 or 1. nest under it."""
        self.rank, self.first_parent = {ANNEX: -1}, {ANNEX: None}
        self.last_of_style, self.continuing = {}, {}
        self._open(p, ANNEX, m.label, m.num, m.variant if m.num is not None else "unnumbered", 0)

    def _lead_items(self) -> None:
        """Unnumbered paragraphs opening with a short lead sentence become items when all
        the paragraphs under a heading are such paragraphs (完善养老服务政策。发挥……), at
        any level. Work reports frame them: one opening paragraph without a lead (the aim
        of the heading, before 大力提振消费。… 扩大有效投资。…) stays the heading's own text,
        and one closing paragraph (在完善上述体系的同时…) goes with the last item, the text it
        follows; with either, at least three lead paragraphs must be there."""
        for node in list(self.nodes):
            if node.level == 0 or node.children or len(node.paras) < 3:
                continue
            intro = 0 if node.paras[1].lead else 1
            body = node.paras[1 + intro :]
            close = 1 if len(body) > 1 and not body[-1].lead else 0
            leads = body[: len(body) - close]
            if len(leads) < (3 if intro or close else 2) or not all(q.lead for q in leads):
                continue
            node.paras = node.paras[: 1 + intro]
            at = self.nodes.index(node) + 1
            for j, q in enumerate(leads):
                child = _Node(
                    level=node.level + 1, style="lead", label="", num=None, expected=j + 1, parent=node, paras=[q]
                )
                child.title = q.lead or ""
                node.children.append(child)
                self.nodes.insert(at + j, child)
            node.children[-1].paras.extend(body[len(leads) :])


def _doc_title(cl: Cleaned, pre: _Node | None) -> str:
    words = [rx for _, rx in resources.rows("title_words.tsv")]
    if pre is not None:
        for p in pre.paras:
            s = p.text
            if len(s) <= TITLE_MAX and any(re.search(rx + r"$", s) for rx in words) and not s.startswith("关于"):
                return s
    return cl.header.get("title_zh", "")


def _assign_lines(cl: Cleaned, nodes: list[_Node]) -> None:
    owner: dict[int, _Node] = {}
    for n in nodes:
        for p in n.paras:
            for i in p.lines:
                owner[i] = n
    current: _Node | None = None
    pending: list[int] = []
    for i, ln in enumerate(cl.lines):
        if i in owner:
            current = owner[i]
            current.lines.extend(pending)
            pending = []
            current.lines.append(i)
        elif i in cl.removed_lines:
            current = None  # the removed span absorbs the blank lines after it
        elif not ln.stripped:
            if current is not None:
                current.lines.append(i)
            elif not any(sp.start <= ln.start < sp.end for sp in cl.spans if sp.action in ("removed", "parsed")):
                pending.append(i)
        else:  # a content line that no paragraph claims cannot happen; keep it visible
            raise AssertionError(f"unowned content line {i}")


def parse(cl: Cleaned, doc_id: str) -> Outline:
    """Parse the outline of a scanned document into ``sections`` rows."""
    issues: list[Span] = []
    joins: list[int] = []
    paras = _paragraphs(cl, issues, joins)
    nodes = _Builder(paras, issues).build()
    _assign_lines(cl, nodes)
    pre = nodes[0] if nodes and nodes[0].level == 0 else None
    if pre is not None:
        pre.title = _doc_title(cl, pre) or "前言"
    if not paras:
        # nothing but blank lines and chrome: the whole text is accounted for as removed
        issues.append(Span(0, len(cl.text), "empty_document", cl.text.strip()[:30], "removed"))
    elif not any(n.level >= 1 for n in nodes):
        issues.append(Span(0, len(cl.text), "no_outline", paras[0].text[:30], "flagged"))

    inline = [s for s in cl.spans if s.action == "removed"]
    ids: dict[int, str] = {}
    counters: dict[int | None, int] = {}
    rows = []
    for n in nodes:
        key = id(n.parent) if n.parent else None
        if n.level == 0:
            ordinal = 0
            path = "0"
        else:
            ordinal = counters.get(key, 0) + 1
            counters[key] = ordinal
            path = f"{ids[id(n.parent)].split(':', 1)[1]}.{ordinal}" if n.parent else str(ordinal)
        sid = f"{doc_id}:{path}"
        ids[id(n)] = sid
        start = cl.lines[min(n.lines)].start
        end = cl.lines[max(n.lines)].end
        body = "\n".join(
            t
            for t in (_visible(cl.text, cl.lines[i].start, cl.lines[i].end, inline).strip() for i in sorted(n.lines))
            if t
        )
        rows.append(
            dict(
                section_id=sid,
                doc_id=doc_id,
                level=n.level,
                ordinal=ordinal,
                parent_id=ids[id(n.parent)] if n.parent else None,
                label_raw=n.label,
                label_n=n.num,
                style=n.style,
                title=n.title,
                text=body,
                char_start=start,
                char_end=end,
                own_end=end,
            )
        )
    # subtree end = own end of the last descendant (rows are in document order)
    pos = {r["section_id"]: k for k, r in enumerate(rows)}
    for r in reversed(rows):
        if r["parent_id"] is not None:
            parent = rows[pos[r["parent_id"]]]
            parent["char_end"] = max(parent["char_end"], r["char_end"])
    Row = row_type("sections")
    return Outline(records=[Row(**r) for r in rows], issues=issues, joins=joins)


def parse_text(text: str, doc_id: str = "doc") -> Outline:
    """Scan and parse a normalised text in one call (for tests and the CLI)."""
    return parse(scan(text), doc_id)


def coverage_problems(n_chars: int, sections: pd.DataFrame, issues: pd.DataFrame) -> list[str]:
    """Check the invariant that nothing is silently dropped; return what breaks it.

    Own spans of sections must be disjoint; together with the removed spans of
    ``quality_issues`` (action removed or parsed) they must cover ``[0, n_chars)``; and a
    removed span lies wholly inside one own span or outside all of them.
    """
    own = sorted(zip(sections.char_start.astype(int), sections.own_end.astype(int)))
    gone = sorted(
        (int(a), int(b))
        for a, b, act in zip(issues.char_start, issues.char_end, issues.action)
        if act in ("removed", "parsed") and b > a
    )
    problems = [f"own spans overlap: {x} and {y}" for x, y in zip(own, own[1:]) if y[0] < x[1]]
    for a, b in gone:
        inside = [s for s in own if s[0] <= a and b <= s[1]]
        touching = [s for s in own if s[0] < b and a < s[1]]
        if touching and not inside:
            problems.append(f"removed span {(a, b)} straddles own spans {touching}")
    pos = 0
    for a, b in sorted(own + gone):
        if a > pos:
            problems.append(f"characters {pos}..{a} belong to no section and no removed span")
        pos = max(pos, b)
    if pos < n_chars:
        problems.append(f"characters {pos}..{n_chars} belong to no section and no removed span")
    return problems

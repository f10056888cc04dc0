"""Cleaning: find what is not document body and mark it, without moving any offset.

The text is never shortened here. Boilerplate lines (site navigation, footers) and metadata
lines are *removed spans*; injected spam is an *inline removed span*; damage that is kept
(lost separators, garbled document numbers) is *flagged*. Every one of them becomes a
``quality_issues`` row. :attr:`Cleaned.masked` is the text with removed characters blanked
to spaces, so later stages can search it with offsets that still refer to the original.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from analysis import resources
from analysis.zh import CJK_RANGE

__all__ = ["Line", "Span", "Cleaned", "split_lines", "scan", "is_body_line", "iso_date", "EDGE_MAX_CHARS"]

#: Lines longer than this are never treated as edge chrome (navigation, footers).
EDGE_MAX_CHARS = 60
#: The kind of boilerplate rule (boilerplate.tsv) whose lines number the pages of a PDF or a
#: printed page: removed, and transparent to the paragraph they fall in.
PAGE_NUMBER = "page_number"


@dataclass(frozen=True)
class Line:
    """One line of the normalised text; ``end`` includes its newline."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class Span:
    """A marked region of the text, one ``quality_issues`` row."""

    start: int
    end: int
    kind: str
    excerpt: str
    action: str  # removed | parsed | flagged | repaired
    #: inside a line that is otherwise kept (injected spam, the furniture after the last
    #: sentence of a run-in line): the outline cuts it out of the line's text
    inline: bool = False


@dataclass
class Cleaned:
    """Result of :func:`scan`.

    Attributes:
        text: the normalised text (offsets refer to it).
        lines: all its lines.
        removed_lines: indexes into ``lines`` of whole lines that are removed.
        spans: every quality issue found, removed, parsed or flagged.
        header: metadata fields parsed from the header block (field -> value).
        masked: ``text`` with every removed character replaced by a space.
    """

    text: str
    lines: list[Line]
    removed_lines: set[int]
    spans: list[Span]
    header: dict[str, str] = field(default_factory=dict)
    masked: str = ""
    #: removed lines that only number a page (— 3 —): a paragraph runs on across them
    page_lines: set[int] = field(default_factory=set)


#: A line at least this long that holds several numbered headings after sentence marks is
#: text scraped onto one line (一、总体要求。……。（一）棚户区改造……。二、……).
RUN_IN_MIN_CHARS = 150
#: How many such headings make a line run-in text rather than one long paragraph.
RUN_IN_MIN_MARKERS = 3


@functools.lru_cache(maxsize=None)
def _run_in_breaks() -> re.Pattern[str]:
    """Where a heading starts inside a run-in line: after a sentence mark, or a bracketed
    or Arabic numeral right after a heading's last character (一、总体要求（一）…, 一、总体要求1.…)."""
    num = resources.NUM
    marker = rf"(?:{num}、|[(（]{num}[)）]|\d{{1,3}}[.．、](?!\d)|第{num}[章节条部分](?=\s|[{CJK_RANGE}]))"
    inline = rf"[(（]{num}[)）]|\d{{1,3}}[.．、](?![\d、])"
    return re.compile(rf"(?<=[。;!?:])\s*(?={marker})|(?<=[{CJK_RANGE}])(?<!第)(?={inline})")


def _split_run_in(line: Line) -> list[Line]:
    """One line, or the headings and paragraphs it runs together as lines of their own
    (the offsets are untouched: the pieces are spans of the same text)."""
    if len(line.text) < RUN_IN_MIN_CHARS:
        return [line]
    cuts = [m.start() for m in _run_in_breaks().finditer(line.text) if m.start() > 0]
    if len(cuts) < RUN_IN_MIN_MARKERS:
        return [line]
    bounds = [0, *cuts, len(line.text)]
    out = [Line(line.start + a, line.start + b, line.text[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]
    last = out[-1]
    return [*out[:-1], Line(last.start, line.end, last.text)]  # the last piece keeps the newline


def split_lines(text: str) -> list[Line]:
    """The lines of a text; a run-in line (text scraped onto one line) becomes one line per
    heading and paragraph, without a character added or removed."""
    out, pos = [], 0
    for chunk in text.splitlines(keepends=True):
        out.extend(_split_run_in(Line(pos, pos + len(chunk), chunk.rstrip("\n"))))
        pos += len(chunk)
    return out


def is_body_line(s: str) -> bool:
    """A line that is certainly document body: long prose, a sentence, or a numbered heading."""
    if len(s) > EDGE_MAX_CHARS or s.endswith("。"):
        return True
    return any(rx.match(s) for _, variant, _, rx in resources.numbering_styles() if variant == "ok")


_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def iso_date(s: str) -> str | None:
    """The first date in ``s`` as ISO 8601 (2014年01月05日 -> 2014-01-05), else None."""
    m = _DATE.search(s)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


@functools.lru_cache(maxsize=None)
def _boilerplate():
    return [(kind, scope, re.compile(rx)) for kind, scope, rx in resources.rows("boilerplate.tsv")]


@functools.lru_cache(maxsize=None)
def _key_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    fields = {}
    for fld, key in resources.rows("metadata_fields.tsv"):
        fields[key] = fld
    alts = sorted(fields, key=len, reverse=True)
    body = "|".join(r"\s*".join(map(re.escape, k)) for k in alts)
    return re.compile(rf"(?:^|(?<=\s))({body})(?:\s*[:：]|(?=\s|$))"), fields


def _parse_metadata(lines: list[Line], idx: list[int]) -> tuple[dict[str, str], set[int]]:
    """Metadata fields from ``key value key value`` lines of the header block."""
    rx, fields = _key_regex()
    header: dict[str, str] = {}
    used: set[int] = set()
    for i in idx:
        if i in used:
            continue
        s = lines[i].stripped
        ms = list(rx.finditer(s))
        if not ms or ms[0].start() != 0:
            continue
        used.add(i)
        for k, m in enumerate(ms):
            key = re.sub(r"\s+", "", m.group(1))
            end = ms[k + 1].start() if k + 1 < len(ms) else len(s)
            value = s[m.end() : end].strip()
            nxt = i + 1
            # "名    称 :" with the value on the very next line (no blank line between)
            if not value and len(ms) == 1 and nxt < len(lines) and lines[nxt].stripped:
                cand = lines[nxt].stripped
                if not rx.match(cand) and len(cand) <= EDGE_MAX_CHARS:
                    value = cand
                    used.add(nxt)
            if value and fields[key] not in header:
                header[fields[key]] = iso_date(value) if fields[key] == "issued_date" else value
    return header, used


def _line_span(lines: list[Line], i: int, kind: str, action: str) -> Span:
    """A removed line's span, extended over the blank lines after it (and, for the first
    content line of the file, over the blank lines before it) so that every character of the
    text is owned by either a section or a removed span."""
    j = i + 1
    while j < len(lines) and not lines[j].stripped:
        j += 1
    start = lines[i].start
    if all(not ln.stripped for ln in lines[:i]):
        start = 0
    return Span(start, lines[j - 1].end, kind, lines[i].stripped, action)


@functools.lru_cache(maxsize=None)
def _inline_patterns():
    return (
        [re.compile(r[0]) for r in resources.rows("spam.tsv")],
        [(k, re.compile(rx)) for k, rx in resources.rows("flags.tsv")],
    )


#: A run of repeated lines is a second copy of the body when it holds this many lines of at
#: least ``DUPLICATE_LINE_MIN`` characters and this share of all such lines.
DUPLICATE_MIN_LINES = 5
DUPLICATE_MIN_SHARE = 0.3
DUPLICATE_LINE_MIN = 20


def _duplicate_body(lines: list[Line], content: list[int]) -> list[int]:
    """The lines of a second copy of the body (a capture that holds the article twice), or
    [] when there is none: the longest run of long lines that repeats, in order, a run seen
    earlier, with the short lines (headings) inside it."""
    long = [i for i in content if len(lines[i].stripped) >= DUPLICATE_LINE_MIN]
    text = [lines[i].stripped for i in long]
    first: dict[str, int] = {}
    for k, t in enumerate(text):
        j = first.setdefault(t, k)
        if j == k:
            continue
        run = 0
        while k + run < len(text) and j + run < k and text[k + run] == text[j + run]:
            run += 1
        if run >= DUPLICATE_MIN_LINES and run >= DUPLICATE_MIN_SHARE * len(text):
            # widen the copy over the short lines (headings) that repeat around it
            pos = {i: n for n, i in enumerate(content)}
            a, b = pos[long[k]], pos[long[j]]
            while a - 1 > pos[long[j + run - 1]] and b > 0 and _same(lines, content[a - 1], content[b - 1]):
                a, b = a - 1, b - 1
            z, y = pos[long[k + run - 1]], pos[long[j + run - 1]]
            while z + 1 < len(content) and y + 1 < a and _same(lines, content[z + 1], content[y + 1]):
                z, y = z + 1, y + 1
            return content[a : z + 1]
    return []


#: Sentence ends after which a run-in line's furniture may begin.
_SENTENCE_END = re.compile(r"[。!?;]")


def _rest_start(s: str) -> int | None:
    """Where the text after the last sentence end of a stripped line begins (its length when
    the line ends on one), or None for a line without a sentence end."""
    ends = [m.end() for m in _SENTENCE_END.finditer(s)]
    if not ends:
        return None
    rest = s[ends[-1] :]
    return ends[-1] + len(rest) - len(rest.lstrip())


def _first_match(rules: list[tuple], probe: str) -> str | None:
    """The kind of the first rule (kind first, regex last) that matches all of ``probe``."""
    return next((r[0] for r in rules if r[-1].fullmatch(probe)), None)


def _rest_span(line: Line, cut: int, kind: str) -> Span:
    """The furniture after the last sentence of a line (``cut`` counts from the stripped
    line's start), removed inline: the line itself stays."""
    start = line.start + len(line.text) - len(line.text.lstrip()) + cut
    end = line.start + len(line.text.rstrip())
    return Span(start, end, kind, line.text[start - line.start : end - line.start], "removed", inline=True)


def _same(lines: list[Line], i: int, j: int) -> bool:
    return lines[i].stripped == lines[j].stripped


def scan(text: str) -> Cleaned:
    """Mark boilerplate, metadata, spam and flagged damage in a normalised text."""
    lines = split_lines(text)
    content = [i for i, ln in enumerate(lines) if ln.stripped]
    body = [i for i in content if is_body_line(lines[i].stripped)]
    first_body = body[0] if body else len(lines)
    last_body = body[-1] if body else -1

    def is_edge(i: int) -> bool:
        return (i < first_body or i > last_body) and len(lines[i].stripped) <= EDGE_MAX_CHARS

    spans: list[Span] = []
    removed: set[int] = set()
    page_lines: set[int] = set()
    header_idx = [i for i in content if i < first_body]
    header, meta_lines = _parse_metadata(lines, header_idx)
    for i in sorted(meta_lines):
        spans.append(_line_span(lines, i, "metadata", "parsed"))
        removed.add(i)

    rules = _boilerplate()
    # a body line is only tried against the rules that apply anywhere (the edge rules, most
    # of the file, cannot match it); both lists keep the file's order, the first match wins
    tail_rules = [(kind, rx) for kind, scope, rx in rules if scope == "tail"]
    edge_rules = [(kind, scope, rx) for kind, scope, rx in rules if scope != "tail"]
    anywhere_rules = [r for r in edge_rules if r[1] == "anywhere"]
    tail_from = len(lines) * 2 // 3
    for n, i in enumerate(content):
        if i in removed:
            continue
        s = lines[i].stripped
        # a line holding sentences may end in furniture run into it (a page scraped onto one
        # line: …。附件:… 主办单位:… ICP备…号). A short line is tried whole first; then, as a
        # long one is, only what follows its last sentence end, and only that goes (a footer
        # rule once removed the whole last part of a one-line plan with its figures)
        cut = _rest_start(s)
        probes = [(None, s)] if cut is None or len(s) <= EDGE_MAX_CHARS else []
        if cut is not None and cut < len(s):
            probes.append((cut, s[cut:]))
        hit = None
        for c, probe in probes:
            kind = _first_match(tail_rules, probe) if i >= tail_from else None
            if kind:
                hit = (c, kind, True)
                break
            kind = _first_match(edge_rules if c is None and is_edge(i) else anywhere_rules, probe)
            if kind:
                hit = (c, kind, False)
                break
        if hit is None:
            continue
        c, kind, is_tail = hit
        if c is not None:
            spans.append(_rest_span(lines[i], c, kind))
        else:
            spans.append(_line_span(lines, i, kind, "parsed" if kind == "metadata" else "removed"))
            removed.add(i)
            if kind == PAGE_NUMBER:
                page_lines.add(i)
            if kind == "metadata" and iso_date(s):
                header.setdefault("issued_date", iso_date(s))
        if is_tail:
            for j in content[n + 1 :]:
                if j not in removed:
                    spans.append(_line_span(lines, j, kind, "removed"))
                    removed.add(j)
            break

    # what follows the last sentence of the last line kept stands at the document's edge: the
    # edge rules apply to it too (附件: left at the end of a one-line page)
    last = next((i for i in reversed(content) if i not in removed), None)
    cut = _rest_start(lines[last].stripped) if last is not None else None
    if cut is not None and cut < len(lines[last].stripped):
        rest = _rest_span(lines[last], cut, "")
        kind = _first_match(edge_rules, rest.excerpt)
        if kind and not any(sp.inline and sp.start == rest.start for sp in spans):
            spans.append(_rest_span(lines[last], cut, kind))

    copy = _duplicate_body(lines, [i for i in content if i not in removed])
    for i in copy:
        spans.append(_line_span(lines, i, "duplicate_body", "removed"))
        removed.add(i)

    # each pattern runs once over the whole text rather than once per line (a twentieth of
    # the scan); a match stays within one line and counts where that line is kept
    kept = bytearray(len(text))
    for i in content:
        if i not in removed:
            kept[lines[i].start : lines[i].start + len(lines[i].text)] = b"\x01" * len(lines[i].text)
    spam, flags = _inline_patterns()
    for kind, action, rx in [("spam", "removed", rx) for rx in spam] + [(k, "flagged", rx) for k, rx in flags]:
        for m in rx.finditer(text):
            if kept[m.start()] and "\n" not in m.group(0):
                spans.append(Span(m.start(), m.end(), kind, m.group(0), action, inline=True))

    spans.sort(key=lambda s: (s.start, s.end))
    return Cleaned(
        text=text,
        lines=lines,
        removed_lines=removed,
        spans=spans,
        header=header,
        masked=_mask(text, spans),
        page_lines=page_lines,
    )


_NOT_NEWLINE = re.compile(r"[^\n]")


def _mask(text: str, spans: list[Span]) -> str:
    """``text`` with the characters of removed spans (newlines kept) turned into spaces."""
    out, pos = [], 0
    for sp in spans:
        if sp.action not in ("removed", "parsed") or sp.end <= pos:
            continue
        a = max(sp.start, pos)
        out.append(text[pos:a])
        out.append(_NOT_NEWLINE.sub(" ", text[a : sp.end]))
        pos = sp.end
    out.append(text[pos:])
    return "".join(out)

"""Theme classification of leaf sections with the codebook in ``resources/codebook.toml``.

Each keyword counts where it stands on jieba token boundaries (so 区划 is not found inside
社区划分). A leaf's score for a theme is::

    TITLE_WEIGHT * title + PARENT_WEIGHT * ancestors' titles + sum(weight * sqrt(count)) in body

(the square root keeps a long body from drowning its title). The best theme is primary when
it scores at least ``MIN_SCORE``, else the leaf is ``unclassified``; other themes scoring at
least ``SECONDARY_SHARE`` of the primary are secondary.
"""

from __future__ import annotations

import functools
import hashlib
import math
from itertools import accumulate
from typing import TYPE_CHECKING

from analysis import resources
from analysis.corpus.segment import codebook, cut
from analysis.params import Interval, validate_params
from analysis.schema import ancestors, as_rows, frame, leaf_ids, row_type

if TYPE_CHECKING:  # numpy and pandas are loaded by the functions on frames
    import pandas as pd

__all__ = [
    "section_listing",
    "THEMES",
    "UNCLASSIFIED",
    "codebook_version",
    "theme_names",
    "score_text",
    "classify",
    "classify_records",
    "theme_shares",
    "TITLE_WEIGHT",
    "PARENT_WEIGHT",
    "MIN_SCORE",
    "SECONDARY_SHARE",
]

TITLE_WEIGHT = 4.0
PARENT_WEIGHT = 1.5
MIN_SCORE = 3.0
SECONDARY_SHARE = 0.5
UNCLASSIFIED = "unclassified"
THEMES = [t["id"] for t in codebook()["theme"]]


@functools.lru_cache(maxsize=None)
def codebook_version() -> str:
    """``<version>+<hash of the file>``: changes whenever the codebook changes at all."""
    digest = hashlib.sha256(resources.path("codebook.toml").read_bytes()).hexdigest()[:8]
    return f"{codebook()['version']}+{digest}"


def theme_names() -> pd.DataFrame:
    """The codebook as a table: theme_id, zh, en, definition."""
    import pandas as pd

    return pd.DataFrame([{k: t[k] for k in ("id", "zh", "en", "definition")} for t in codebook()["theme"]]).rename(
        columns={"id": "theme_id"}
    )


def _keywords() -> list[tuple[str, str, float]]:
    return [(t["id"], k, float(w)) for t in codebook()["theme"] for k, w in t["keywords"].items()]


@functools.lru_cache(maxsize=None)
def _keyword_map() -> tuple[dict[str, list[tuple[str, float]]], frozenset[str], frozenset[str]]:
    """keyword -> [(theme, weight)], every proper prefix of a keyword, and both together
    (the tokens a keyword can start with)."""
    out: dict[str, list[tuple[str, float]]] = {}
    for theme, k, w in _keywords():
        out.setdefault(k, []).append((theme, w))
    prefixes = frozenset(k[:i] for k in out for i in range(1, len(k)))
    return out, prefixes, prefixes | frozenset(out)


def keyword_hits(tokens: list[str]) -> list[tuple[int, int, str]]:
    """``(start, end, keyword)`` of every keyword that equals a run of consecutive tokens,
    i.e. that starts and ends on token boundaries (区划 is not found inside 社区划分).
    Offsets are relative to the concatenated tokens."""
    kw, prefixes, starts = _keyword_map()
    # most tokens can start no keyword: they are sieved out in one pass, and offsets are
    # looked up only where a keyword can start
    cand = [i for i, s in enumerate(tokens) if s in starts]
    if not cand:
        return []
    offset = list(accumulate(map(len, tokens), initial=0))
    hits = []
    n = len(tokens)
    for i in cand:
        s = tokens[i]
        start = offset[i]
        j = i
        while True:
            if s in kw:
                hits.append((start, start + len(s), s))
            if s not in prefixes:
                break
            j += 1
            if j >= n:
                break
            s += tokens[j]
    return hits


def _counts(text: str, tokens: list[str] | None = None) -> dict[str, int]:
    out: dict[str, int] = {}
    if text:
        for _, _, k in keyword_hits(tokens if tokens is not None else cut(text)):
            out[k] = out.get(k, 0) + 1
    return out


def _score(counts: dict[str, int], factor: float, damp: bool, scores: dict[str, float]) -> None:
    kw = _keyword_map()[0]
    for k, n in counts.items():
        for theme, w in kw[k]:
            scores[theme] += factor * w * (math.sqrt(n) if damp else n)


def score_counts(title: dict[str, int], ancestors: dict[str, int], body: dict[str, int]) -> dict[str, float]:
    """Theme scores from keyword counts of a section's title, its ancestors' titles and its body."""
    scores = {t: 0.0 for t in THEMES}
    _score(title, TITLE_WEIGHT, False, scores)
    _score(ancestors, PARENT_WEIGHT, False, scores)
    _score(body, 1.0, True, scores)
    return scores


def score_text(title: str, body: str, ancestors: str = "", body_tokens: list[str] | None = None) -> dict[str, float]:
    """Score of every theme for a section with this title, body and ancestors' titles."""
    return score_counts(_counts(title), _counts(ancestors), _counts(body, body_tokens))


def classify(sections, leaves_only: bool = True, tokens: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The ``section_themes`` table (see :func:`classify_records`)."""
    return frame(classify_records(sections, leaves_only, tokens), "section_themes")


def classify_records(sections, leaves_only: bool = True, tokens: dict[str, list[str]] | None = None) -> list:
    """``section_themes`` rows for every leaf section of ``sections`` (a frame or row tuples).

    One row per leaf and theme with a positive score, plus exactly one primary row per leaf
    (the ``unclassified`` pseudo-theme when no theme reaches ``MIN_SCORE``). With
    ``leaves_only=False`` a part's own text (heading and intro) is classified too.
    ``tokens`` maps section_id to the jieba tokens of its ``text`` (segmented here if absent).
    The body is the whole own text, title included; the title's keywords are those of the
    text's tokens that fall within the title.
    """
    sections = as_rows(sections)
    Row = row_type("section_themes")
    version = codebook_version()
    parent = {r.section_id: r.parent_id for r in sections}
    title_counts: dict[str, dict[str, int]] = {}
    body_counts: dict[str, dict[str, int]] = {}
    for r in sections:
        text, title = str(r.text), str(r.title)
        toks = tokens.get(r.section_id) if tokens is not None else None
        if toks is None:
            toks = cut(text)
        hits = keyword_hits(toks)
        b: dict[str, int] = {}
        for _, _, k in hits:
            b[k] = b.get(k, 0) + 1
        body_counts[r.section_id] = b
        t: dict[str, int] = {}
        if r.level > 0 and title and hits:
            # the title stands at the head of the section, after its label
            joined = "".join(toks[:64])
            t0 = joined.find(title.replace(" ", ""))
            t1 = t0 + len(title.replace(" ", ""))
            for a, e, k in hits:
                if t0 >= 0 and a >= t0 and e <= t1:
                    t[k] = t.get(k, 0) + 1
        title_counts[r.section_id] = t
    rows = []
    leaves = leaf_ids(sections)
    for r in (s for s in sections if s.section_id in leaves or not leaves_only):
        anc: dict[str, int] = {}
        for pid in ancestors(r.section_id, parent):
            for k, n in title_counts[pid].items():
                anc[k] = anc.get(k, 0) + n
        scores = score_counts(title_counts[r.section_id], anc, body_counts[r.section_id])
        # scores are in THEMES order and max keeps the first of equals: a tie goes to the
        # theme listed first in the codebook
        best = max(scores, key=scores.__getitem__)
        top = scores[best]
        primary = best if top >= MIN_SCORE else UNCLASSIFIED
        total = sum(scores.values()) or 1.0
        if primary == UNCLASSIFIED:
            rows.append(Row(r.section_id, r.doc_id, UNCLASSIFIED, top, 0.0, True, False, version))
        for t, sc in sorted(scores.items(), key=lambda kv: -kv[1]):
            if sc <= 0:
                continue
            rows.append(
                Row(
                    r.section_id,
                    r.doc_id,
                    t,
                    round(sc, 4),
                    round(sc / total, 4),
                    t == primary,
                    t != primary and sc >= SECONDARY_SHARE * top and sc >= MIN_SCORE,
                    version,
                )
            )
    return rows


@validate_params(
    by=[{"chars", "sections"}],
    n_boot=[Interval(1, None, integer=True)],
    ci=[Interval(0, 1, closed="neither")],
)
def theme_shares(
    section_themes: pd.DataFrame,
    sections: pd.DataFrame,
    by: str = "chars",
    n_boot: int = 2000,
    ci: float = 0.90,
    seed: int = 0,
    include_preamble: bool = False,
) -> pd.DataFrame:
    """Share of each document spent on each primary theme, with a bootstrap interval.

    Args:
        section_themes: rows from :func:`classify` (only primary rows are used).
        sections: the ``sections`` table, for the length of each leaf's own span.
        by: ``"chars"`` (share of leaf characters) or ``"sections"`` (share of leaves).
        n_boot: bootstrap resamples of the leaves of each document.
        ci: width of the interval (0.90 -> 5th and 95th percentiles).
        seed: random seed.
        include_preamble: count the level-0 front matter too (by default it is left out:
            it holds the title, notices and the general requirements, not a topic).

    Returns:
        doc_id, theme_id, share, lo, hi, n_sections.
    """
    import numpy as np
    import pandas as pd

    prim = section_themes[section_themes.is_primary][["section_id", "doc_id", "theme_id"]]
    size = sections.set_index("section_id")
    if not include_preamble:
        prim = prim[size.level.reindex(prim.section_id).to_numpy() > 0]
    prim = prim.assign(
        weight=(size.own_end - size.char_start).reindex(prim.section_id).to_numpy() if by == "chars" else 1.0
    )
    rng = np.random.default_rng(seed)
    rows = []
    for doc_id, g in prim.groupby("doc_id", sort=False):
        themes = sorted(set(g.theme_id))
        onehot = np.stack([(g.theme_id == t).to_numpy(float) for t in themes], axis=1)
        w = g.weight.to_numpy(float)
        point = (w @ onehot) / w.sum()
        idx = rng.integers(0, len(g), size=(n_boot, len(g)))
        bw = w[idx]
        boot = np.einsum("bn,bnt->bt", bw, onehot[idx]) / bw.sum(axis=1, keepdims=True)
        lo, hi = np.quantile(boot, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
        for j, t in enumerate(themes):
            rows.append(
                dict(
                    doc_id=doc_id,
                    theme_id=t,
                    share=point[j],
                    lo=min(lo[j], point[j]),
                    hi=max(hi[j], point[j]),
                    n_sections=int(onehot[:, j].sum()),
                )
            )
    return pd.DataFrame(rows, columns=["doc_id", "theme_id", "share", "lo", "hi", "n_sections"])


def section_listing(sections, theme_rows, leaves: set[str]) -> list[dict]:
    """Every section with its primary theme, score and secondary themes (``minzheng themes``).

    Args:
        sections: a document's ``sections`` rows.
        theme_rows: ``section_themes`` rows of every section (parts' own text too).
        leaves: the ids of the leaf sections.
    """
    prim = {t.section_id: t for t in theme_rows if t.is_primary}
    sec: dict[str, list[str]] = {}
    for t in theme_rows:
        if t.is_secondary:
            sec.setdefault(t.section_id, []).append(t.theme_id)
    rows = []
    for r in sections:
        p = prim.get(r.section_id)
        rows.append(
            dict(
                section_id=r.section_id,
                level=int(r.level),
                ordinal=int(r.ordinal),
                title=r.title,
                theme_id=p.theme_id if p else None,
                score=float(p.score) if p else 0.0,
                secondary=sec.get(r.section_id, []),
                is_leaf=r.section_id in leaves,
            )
        )
    return rows

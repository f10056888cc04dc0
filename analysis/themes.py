"""Theme classification of leaf sections with the codebook in ``resources/codebook.toml``.

Each keyword counts where it stands on jieba token boundaries (so 区划 is not found inside
社区划分). A leaf's score for a theme is::

    TITLE_WEIGHT * title + PARENT_WEIGHT * ancestors' titles + sum(weight * sqrt(count)) in body

(the square root keeps a long body from drowning its title). The best theme is primary when
it scores at least ``MIN_SCORE``, else the leaf is ``unclassified``; other themes scoring at
least ``SECONDARY_SHARE`` of the primary are secondary.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd

from . import resources
from .schema import validate
from .segment import boundaries, codebook, cut

__all__ = ["THEMES", "UNCLASSIFIED", "codebook_version", "theme_names", "score_text", "classify",
           "theme_shares", "leaf_sections", "TITLE_WEIGHT", "PARENT_WEIGHT", "MIN_SCORE", "SECONDARY_SHARE"]

TITLE_WEIGHT = 4.0
PARENT_WEIGHT = 1.5
MIN_SCORE = 3.0
SECONDARY_SHARE = 0.5
UNCLASSIFIED = "unclassified"
THEMES = [t["id"] for t in codebook()["theme"]]


def codebook_version() -> str:
    """``<version>+<hash of the file>``: changes whenever the codebook changes at all."""
    digest = hashlib.sha256(resources.path("codebook.toml").read_bytes()).hexdigest()[:8]
    return f"{codebook()['version']}+{digest}"


def theme_names() -> pd.DataFrame:
    """The codebook as a table: theme_id, zh, en, definition."""
    return pd.DataFrame([{k: t[k] for k in ("id", "zh", "en", "definition")} for t in codebook()["theme"]]).rename(columns={"id": "theme_id"})


def _keywords() -> list[tuple[str, str, float]]:
    return [(t["id"], k, float(w)) for t in codebook()["theme"] for k, w in t["keywords"].items()]


def _counts(text: str, tokens: list[str] | None = None) -> dict[str, int]:
    if not text:
        return {}
    bounds = boundaries(tokens if tokens is not None else cut(text))
    out: dict[str, int] = {}
    for _, k, _ in _keywords():
        if k in out:
            continue
        n, i = 0, text.find(k)
        while i >= 0:
            if i in bounds and i + len(k) in bounds:
                n += 1
            i = text.find(k, i + 1)
        if n:
            out[k] = n
    return out


def score_text(title: str, body: str, ancestors: str = "", body_tokens: list[str] | None = None) -> dict[str, float]:
    """Score of every theme for a section with this title, body and ancestors' titles."""
    parts = ((_counts(title), TITLE_WEIGHT, False), (_counts(ancestors), PARENT_WEIGHT, False),
             (_counts(body, body_tokens), 1.0, True))
    scores = {t: 0.0 for t in THEMES}
    for counts, factor, damp in parts:
        for theme, k, w in _keywords():
            n = counts.get(k, 0)
            if n:
                scores[theme] += factor * w * (math.sqrt(n) if damp else n)
    return scores


def leaf_sections(sections: pd.DataFrame) -> pd.DataFrame:
    """Sections with no children."""
    parents = set(sections.parent_id.dropna())
    return sections[~sections.section_id.isin(parents)]


def _body(row) -> str:
    text = str(row.text)
    first, _, rest = text.partition("\n")
    i = first.find(row.title) if row.title else -1
    first = first[i + len(row.title):] if i >= 0 else first
    return (first + "\n" + rest).strip()


def classify(sections: pd.DataFrame, leaves_only: bool = True, tokens: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """``section_themes`` rows for every leaf section of ``sections``.

    One row per leaf and theme with a positive score, plus exactly one primary row per leaf
    (the ``unclassified`` pseudo-theme when no theme reaches ``MIN_SCORE``). With
    ``leaves_only=False`` a part's own text (heading and intro) is classified too.
    ``tokens`` maps section_id to the jieba tokens of its ``text`` (segmented here if absent);
    the body then is the whole own text, title included.
    """
    by_id = sections.set_index("section_id")
    version = codebook_version()
    rows = []
    for r in (leaf_sections(sections) if leaves_only else sections).itertuples():
        chain, pid = [], r.parent_id
        while isinstance(pid, str):
            chain.append(str(by_id.at[pid, "title"]))
            pid = by_id.at[pid, "parent_id"]
        toks = tokens.get(r.section_id) if tokens is not None else None
        body = str(r.text) if toks is not None or r.level == 0 else _body(r)
        scores = score_text(str(r.title) if r.level > 0 else "", body, " ".join(chain), body_tokens=toks)
        best = max(scores, key=lambda t: (scores[t], -THEMES.index(t)))
        top = scores[best]
        primary = best if top >= MIN_SCORE else UNCLASSIFIED
        total = sum(scores.values()) or 1.0
        if primary == UNCLASSIFIED:
            rows.append(dict(section_id=r.section_id, doc_id=r.doc_id, theme_id=UNCLASSIFIED, score=top, share=0.0,
                             is_primary=True, is_secondary=False, codebook_version=version))
        for t, s in sorted(scores.items(), key=lambda kv: -kv[1]):
            if s <= 0:
                continue
            rows.append(dict(section_id=r.section_id, doc_id=r.doc_id, theme_id=t, score=round(s, 4),
                             share=round(s / total, 4), is_primary=t == primary,
                             is_secondary=t != primary and s >= SECONDARY_SHARE * top and s >= MIN_SCORE,
                             codebook_version=version))
    cols = ["section_id", "doc_id", "theme_id", "score", "share", "is_primary", "is_secondary", "codebook_version"]
    return validate(pd.DataFrame(rows, columns=cols), "section_themes")


def theme_shares(section_themes: pd.DataFrame, sections: pd.DataFrame, by: str = "chars",
                 n_boot: int = 2000, ci: float = 0.90, seed: int = 0, include_preamble: bool = False) -> pd.DataFrame:
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
    prim = section_themes[section_themes.is_primary][["section_id", "doc_id", "theme_id"]]
    size = sections.set_index("section_id")
    if not include_preamble:
        prim = prim[size.level.reindex(prim.section_id).to_numpy() > 0]
    prim = prim.assign(weight=(size.own_end - size.char_start).reindex(prim.section_id).to_numpy() if by == "chars" else 1.0)
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
            rows.append(dict(doc_id=doc_id, theme_id=t, share=point[j], lo=min(lo[j], point[j]), hi=max(hi[j], point[j]),
                             n_sections=int(onehot[:, j].sum())))
    return pd.DataFrame(rows, columns=["doc_id", "theme_id", "share", "lo", "hi", "n_sections"])

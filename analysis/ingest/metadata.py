"""Manifest fields suggested by a document's header block and title line (``minzheng add``)."""

from __future__ import annotations

import re

import pandas as pd

from analysis import resources
from analysis.zh import CJK_RANGE

__all__ = ["suggest_metadata"]

#: An issuing office: 民政局, 民政厅, 人民政府, 办公厅, 委员会 …
_ORG = re.compile(r"(?:局|厅|委员会|委|政府|办公室|办公厅|部|署|中心)$")
#: A document number: issuer's abbreviation, year in 〔〕 (or [] after NFKC), serial, 号.
_DOC_NUMBER = re.compile(rf"[{CJK_RANGE}]{{1,12}}[〔\[]\s*(?:19|20)\d{{2}}\s*[〕\]]\s*\d{{1,4}}\s*号")


def suggest_metadata(header: dict[str, str], sections: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Manifest fields suggested by a document's header block and title line.

    Args:
        header: fields parsed from the header block (:attr:`analysis.ingest.clean.Cleaned.header`).
        sections: the document's ``sections`` table (its preamble's title is the title line).

    Returns:
        field -> (value, where it was found).
    """
    h = header
    out: dict[str, tuple[str, str]] = {}
    pre = sections[sections.level == 0]
    title = pre.title.iloc[0] if len(pre) and pre.title.iloc[0] != "前言" else h.get("title_zh", "")
    if title:
        out["title_zh"] = (title, "title line" if title != h.get("title_zh") else "名称 field")
    for f in ("publisher_zh", "doc_number", "issued_date", "source_url"):
        if h.get(f):
            out[f] = (h[f], "header block")
    # 来源：广州市民政局 names the publisher when it is an office, not a newspaper
    if "publisher_zh" not in out and _ORG.search(h.get("source", "")):
        out["publisher_zh"] = (h["source"], "来源 line")
    # a document number printed in the front matter (穗府办规〔2021〕7号)
    front = " ".join(pre.text.tolist()) if len(pre) else ""
    number = _DOC_NUMBER.search(f"{title} {front}"[:3000])
    if "doc_number" not in out and number:
        out["doc_number"] = (number.group(0), "front matter")
    year = re.search(r"((?:19|20)\d{2})年", title) if title else None
    if year:
        out["year"] = (year.group(1), "title")
    elif h.get("issued_date"):
        out["year"] = (h["issued_date"][:4], "issue date")
    for genre, rx in resources.rows("title_words.tsv"):
        if title and re.search(rx + r"$", title.rstrip("》的通知")):
            out["genre"] = (genre, f"title ends in {rx}")
            break
    for src in (h.get("publisher_zh", ""), title):
        m = re.match(rf"([{CJK_RANGE}]{{2,9}}?(?:自治区|省|自治州|市|州|县|区|盟))", src or "")
        if m and not m.group(1).startswith(("市", "省", "区", "县")):
            out["jurisdiction_zh"] = (m.group(1), "publisher" if src == h.get("publisher_zh") else "title")
            break
    return out

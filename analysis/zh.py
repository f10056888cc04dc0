"""Chinese-text primitives every stage shares: the ideograph class and reading numerals.

One definition of each, so the outline parser, the quantity finder and the term filter agree
on what a Chinese character and a Chinese numeral are.
"""

from __future__ import annotations

import functools
import re

__all__ = ["CJK_RANGE", "CJK", "cn_number"]

#: The CJK Unified Ideographs block, for use inside a regex character class.
CJK_RANGE = "\u4e00-\u9fff"
#: One Chinese character.
CJK = re.compile(f"[{CJK_RANGE}]")


@functools.lru_cache(maxsize=8192)
def cn_number(s: str) -> float | None:
    """The value of a Chinese (or mixed) numeral such as 两千, 二十三, 1.5万; None if unreadable.

    cn2an is imported on first use: the build's main process never reads numerals, and the
    import costs a tenth of a second.
    """
    import cn2an

    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, IndexError):  # what cn2an raises on numerals it cannot read
        return None

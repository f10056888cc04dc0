"""The CJK font every chart and page uses: Noto Sans CJK SC, shipped by mplfonts (PyPI)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["FONT", "font_path"]

FONT = "Noto Sans CJK SC"


def font_path() -> Path:
    """The OpenType file of :data:`FONT` inside the installed mplfonts package."""
    return Path(str(resources.files("mplfonts").joinpath("fonts").joinpath("NotoSansCJKsc-Regular.otf")))

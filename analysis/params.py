"""Argument checks at the boundary of the public functions, in the manner of scikit-learn's
``_parameter_constraints``: a wrong value is one clear :class:`UserError` naming the
function, the parameter and what it accepts, never a silently different result.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from analysis.errors import UserError

__all__ = ["Interval", "validate_params", "progress_off"]


@dataclass(frozen=True)
class Interval:
    """Numbers from ``lo`` to ``hi`` (None: unbounded); ``integer`` also requires an int."""

    lo: float | None = None
    hi: float | None = None
    closed: str = "both"  # "both", "left", "right" or "neither"
    integer: bool = False

    def __contains__(self, v: object) -> bool:
        if isinstance(v, bool) or not isinstance(v, int | float) or (self.integer and not isinstance(v, int)):
            return False
        lo_ok = self.lo is None or (v >= self.lo if self.closed in ("both", "left") else v > self.lo)
        hi_ok = self.hi is None or (v <= self.hi if self.closed in ("both", "right") else v < self.hi)
        return lo_ok and hi_ok

    def __str__(self) -> str:
        kind = "an integer" if self.integer else "a number"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        lo = "-inf" if self.lo is None else f"{self.lo:g}"
        hi = "inf" if self.hi is None else f"{self.hi:g}"
        return f"{kind} in {left}{lo}, {hi}{right}"


def _describe(allowed) -> str:
    if isinstance(allowed, Interval):
        return str(allowed)
    if allowed is None:
        return "None"
    return "one of " + ", ".join(repr(a) for a in sorted(allowed, key=str))


def _ok(v: object, allowed) -> bool:
    if allowed is None:
        return v is None
    return v in allowed


def validate_params(**constraints) -> Callable:
    """Check the named arguments of each call against a list of allowed sets or intervals.

    Example::

        @validate_params(by=[{"chars", "sections"}], ci=[Interval(0, 1, closed="neither")])
        def theme_shares(section_themes, sections, by="chars", ci=0.9): ...
    """

    def wrap(fn: Callable) -> Callable:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            for name, options in constraints.items():
                if name in bound.arguments and not any(_ok(bound.arguments[name], o) for o in options):
                    accepted = " or ".join(_describe(o) for o in options)
                    raise UserError(
                        f"{fn.__name__}(): {name}={bound.arguments[name]!r} is not valid; expected {accepted}"
                    )
            return fn(*args, **kwargs)

        return checked

    return wrap


def progress_off(progress: bool) -> bool | None:
    """tqdm's ``disable`` for a ``progress`` flag: None lets tqdm draw a bar only on a
    terminal, so a scheduler's log file never fills with bar frames."""
    return None if progress else True

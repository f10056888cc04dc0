"""One document's rows (:class:`DocResult`): what the per-document stages give, what the
build caches and what its workers send back.

Kept apart from :mod:`analysis.pipeline`, so that loading a result does not import the
pipeline's own dependencies (jieba, cn2an): a rebuild's main process only reads results.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.ingest.read import Decoded
from analysis.schema import frame, leaf_ids, row_type

if TYPE_CHECKING:  # the frames are made (and pandas loaded) when first asked for
    import pandas as pd

__all__ = ["DocResult"]


#: Joins a section's terms in the cache; jieba never puts a newline inside a token.
_SEP = "\n"


@dataclass
class DocResult:
    """Rows of one document's tables, plus what the header block suggested.

    Attributes:
        section_rows, target_rows, theme_rows, issue_rows: row tuples of ``sections``,
            ``targets``, ``section_themes`` (every section, leaves and parts' own text) and
            ``quality_issues``.
        terms: content terms of every section (the TF-IDF input), by section_id.
    """

    doc_id: str
    decoded: Decoded
    header: dict[str, str]
    section_rows: list
    target_rows: list
    theme_rows: list
    issue_rows: list
    terms: dict[str, list[str]]

    # The build caches one DocResult per document; rows are pickled as plain tuples and terms
    # as one string per section, which loads three times faster than namedtuples and millions
    # of small strings (the cache is loaded whenever the previous tables cannot be reused).
    _ROWS = (
        ("section_rows", "sections"),
        ("target_rows", "targets"),
        ("theme_rows", "section_themes"),
        ("issue_rows", "quality_issues"),
    )

    def __getstate__(self) -> dict:
        state = {f: getattr(self, f) for f in ("doc_id", "decoded", "header")}
        state.update({f: [tuple(r) for r in getattr(self, f)] for f, _ in self._ROWS})
        state["terms"] = {sid: _SEP.join(ts) for sid, ts in self.terms.items()}
        return state

    def __setstate__(self, state: dict) -> None:
        for f, table in self._ROWS:
            state[f] = list(map(functools.partial(tuple.__new__, row_type(table)), state[f]))
        state["terms"] = {sid: ts.split(_SEP) if ts else [] for sid, ts in state["terms"].items()}
        self.__dict__.update(state)

    @functools.cached_property
    def sections(self) -> pd.DataFrame:
        return frame(self.section_rows, "sections")

    @functools.cached_property
    def targets(self) -> pd.DataFrame:
        return frame(self.target_rows, "targets")

    @functools.cached_property
    def themes_all(self) -> pd.DataFrame:
        return frame(self.theme_rows, "section_themes")

    @functools.cached_property
    def section_term_rows(self) -> list:
        """``section_terms`` rows: the leaf sections below the preamble, the ones clustered
        (kept once made: the build asks for them twice, for the table and for the counts)."""
        Row, leaves = row_type("section_terms"), leaf_ids(self.section_rows)
        return [
            Row(r.section_id, self.doc_id, self.terms[r.section_id])
            for r in self.section_rows
            if r.level > 0 and r.section_id in leaves
        ]

    @property
    def leaf_theme_rows(self) -> list:
        leaves = leaf_ids(self.section_rows)
        return [r for r in self.theme_rows if r.section_id in leaves]

    @functools.cached_property
    def section_themes(self) -> pd.DataFrame:
        return frame(self.leaf_theme_rows, "section_themes")

    @functools.cached_property
    def quality_issues(self) -> pd.DataFrame:
        return frame(self.issue_rows, "quality_issues")

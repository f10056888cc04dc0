"""Every table's schema, as data: columns (dtype, description), primary key, description.

A column name means the same thing in every table (``doc_id``, ``section_id``,
``char_start`` …). :func:`validate` is called whenever a table is written and in the tests.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from typing import TYPE_CHECKING

# pandas and pyarrow are imported where a frame or an Arrow schema is made: a single-file
# command (`minzheng outline`) works on row tuples and answers without loading them
if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "as_rows",
    "MANIFEST_COLUMNS",
    "TABLES",
    "COLUMNS",
    "validate",
    "empty",
    "describe",
    "frame",
    "row_type",
    "arrow_schema",
    "leaf_ids",
    "ancestors",
]

#: Column -> (pandas dtype, description). Shared by every table that has the column.
COLUMNS: dict[str, tuple[str, str]] = {
    "doc_id": ("string", "Document id from data/manifest.csv, e.g. changsha-2020."),
    "file": ("string", "File name under data/raw."),
    "jurisdiction_zh": ("string", "Issuing jurisdiction in Chinese (武汉市)."),
    "jurisdiction_en": ("string", "Issuing jurisdiction in English (Wuhan)."),
    "admin_level": ("string", "Administrative level (province, municipality, prefecture-level city …)."),
    "province_zh": ("string", "Province the jurisdiction belongs to."),
    "year": ("Int64", "Year the plan or report is for."),
    "period": ("string", "Period covered: annual, 2018Q1 …"),
    "genre": ("string", "work_plan, progress_report, government_work_report …"),
    "title_zh": ("string", "Document title."),
    "publisher_zh": ("string", "Issuing bureau."),
    "doc_number": ("string", "Official document number (文号), as printed."),
    "issued_date": ("string", "Date of issue, ISO 8601 where known."),
    "notes": ("string", "Free-text notes from the manifest."),
    "source_url": ("string", "Where the document was published (a page or attachment URL), if known."),
    "retrieved_at": ("string", "When `minzheng add URL` fetched it, ISO 8601 UTC."),
    "encoding": ("string", "Encoding the source bytes were decoded with."),
    "source_sha256": ("string", "SHA-256 of the source file bytes; the build cache key."),
    "n_chars": ("int64", "Characters of the normalised text (what offsets refer to)."),
    "n_parts": ("int64", "Sections at level 1."),
    "n_items": ("int64", "Sections at level 2."),
    "n_quality_issues": ("int64", "Rows in quality_issues for the document."),
    "section_id": (
        "string",
        "Stable id '<doc_id>:<path>', path = sibling ordinals (2.3 = part 2, its item 3); 0 = preamble.",
    ),
    "level": ("int64", "0 front matter / preamble, 1 part, 2 item, 3+ sub-item."),
    "ordinal": ("int64", "Position among siblings, from 1 (0 for the preamble)."),
    "parent_id": ("string", "section_id of the parent; null at level 0 and 1."),
    "label_raw": ("string", "Numbering as printed ('(十)', ')', '' when absent)."),
    "label_n": ("Int64", "Number read from label_raw; null when absent or unreadable."),
    "style": (
        "string",
        "Numbering style: cn_dun 一、, cn_paren (一), arabic_dot 1., arabic_paren (1), circled ①, cn_shi 一是, "
        "cn_di 第一, dash ——, lead (unnumbered lead sentence), preamble.",
    ),
    "title": ("string", "Heading: the text up to the first 。, or the whole heading line."),
    "text": (
        "string",
        "Text of the section's own span (heading and body before its first child), removed spans cut out.",
    ),
    "char_start": ("int64", "Start offset in the normalised text (inclusive)."),
    "char_end": ("int64", "End offset in the normalised text (exclusive); for sections, of the whole subtree."),
    "own_end": ("int64", "End offset of the section's own span (before its first child)."),
    "kind": (
        "string",
        "quality_issues: what was found. targets: 'target' (a commitment) or 'actual' "
        "(a result or a standard in force).",
    ),
    "target_id": ("string", "Stable id '<doc_id>:<char_start>' of a quantity."),
    "value": (
        "float64",
        "The number in base units: multipliers applied (20.05万 -> 200500), percentages as printed (50% -> 50).",
    ),
    "value_from": ("float64", "Start of a range (1-2名, 从500元提高至900元); null otherwise. value holds the end."),
    "unit": ("string", "Normalised measure word or unit: 个 家 张 名 人次 元 % 百分点 亩 千瓦 …"),
    "raw": ("string", "The quantity as printed."),
    "comparator": ("string", ">= (以上, 不低于, 至少, 余), <= (以下, 不超过, 以内), ~ (左右, 约), = otherwise."),
    "indicator": ("string", "What is counted (养老床位, 持证上岗率 …), with a rate's base in brackets (每人每月)."),
    "verb": ("string", "What is done to it: 新增, 新建, 达到, 提高 … (empty when none)."),
    "commitment": ("string", "How firm: 确保, 力争, 探索, 计划 … (empty when none)."),
    "theme_id": (
        "string",
        "Codebook theme (resources/codebook.toml) or 'unclassified'; in targets, "
        "the primary theme of the quantity's section.",
    ),
    "sentence": ("string", "The sentence the quantity is in."),
    "ref_year": (
        "Int64",
        "Year the figure refers to: a plan's own year, the reviewed year of a report, a year it names.",
    ),
    "ref_period": ("string", "Span of a five-year figure (2021-2025 for 十四五, 过去五年); '' for one year's figure."),
    "score": ("float64", "Keyword score of the theme for the section (title weighs most)."),
    "share": ("float64", "score divided by the section's total score over all themes."),
    "is_primary": ("bool", "The section's one primary theme (or 'unclassified')."),
    "is_secondary": ("bool", "Another theme scoring at least half the primary."),
    "cluster_id": ("int64", "TF-IDF cluster of the section (independent of the codebook)."),
    "cluster_label": ("string", "The cluster's three top terms by class-based TF-IDF."),
    "similarity_to_centroid": ("float64", "Cosine similarity of the section to its cluster's centroid."),
    "k": ("int64", "Number of clusters of the run."),
    "min_df": ("int64", "Minimum number of sections a term must occur in."),
    "seed": ("int64", "Random seed of the run."),
    "term": ("string", "A jieba token kept by analysis.terms.content_terms."),
    "terms": ("object", "The section's content terms in order (a list; Parquet list<string>)."),
    "weight": ("float64", "Class-based TF-IDF weight of the term in the cluster."),
    "rank": ("int64", "Rank of the term within its cluster or group, from 1."),
    "count": ("int64", "Occurrences of the term in the cluster."),
    "doc_a": ("string", "First document of a pair."),
    "doc_b": ("string", "Second document of a pair."),
    "similarity": ("float64", "Cosine similarity of the two documents' TF-IDF vectors."),
    "group": ("string", "A document id, or a named group of documents."),
    "log_odds": ("float64", "Log-odds ratio of the term, group against the rest, informative Dirichlet prior."),
    "z": ("float64", "log_odds divided by its standard error."),
    "count_group": ("int64", "Occurrences of the term in the group."),
    "count_rest": ("int64", "Occurrences of the term in the other documents."),
    "codebook_version": (
        "string",
        "Version of resources/codebook.toml that labelled the row: '<version>+<file hash>'.",
    ),
    "plan_doc_id": ("string", "The plan (or report) whose targets are held to account."),
    "result_doc_id": ("string", "The next later document of the same jurisdiction, which reports the results."),
    "actual_id": ("string", "target_id of the result (an actual row of result_doc_id); null when not reported."),
    "indicator_similarity": (
        "float64",
        "How alike the target's and the result's indicators are (bigram Dice; 1 within one indicator group).",
    ),
    "target_value": ("float64", "The target's value in base units."),
    "target_unit": ("string", "The target's unit."),
    "target_comparator": ("string", "The target's comparator (>= <= ~ =)."),
    "target_surface": ("string", "The sentence that states the target."),
    "actual_value": ("float64", "The reported result in base units; null when not reported."),
    "actual_unit": ("string", "The result's unit."),
    "actual_surface": ("string", "The sentence that reports the result."),
    "met": ("string", "yes, no, unclear (the indicators only partly agree) or not reported."),
    "excerpt": ("string", "The text concerned, shortened."),
    "action": ("string", "removed (cut from section text), parsed (metadata read), flagged (kept), repaired."),
}

#: The columns of data/manifest.csv, which open the ``documents`` table.
MANIFEST_COLUMNS = [
    "doc_id",
    "file",
    "jurisdiction_zh",
    "jurisdiction_en",
    "admin_level",
    "province_zh",
    "year",
    "period",
    "genre",
    "title_zh",
    "publisher_zh",
    "doc_number",
    "issued_date",
    "notes",
    "source_url",
    "retrieved_at",
]

TABLES: dict[str, dict] = {
    "documents": {
        "description": "One row per document: the manifest plus measured fields.",
        "columns": [
            *MANIFEST_COLUMNS,
            "encoding",
            "source_sha256",
            "n_chars",
            "n_parts",
            "n_items",
            "n_quality_issues",
        ],
        "key": ["doc_id"],
    },
    "sections": {
        "description": "One row per outline node, in document order.",
        "columns": [
            "section_id",
            "doc_id",
            "level",
            "ordinal",
            "parent_id",
            "label_raw",
            "label_n",
            "style",
            "title",
            "text",
            "char_start",
            "char_end",
            "own_end",
        ],
        "key": ["section_id"],
    },
    "targets": {
        "description": "One row per quantity a document states: a commitment (target) or a result (actual).",
        "columns": [
            "target_id",
            "doc_id",
            "section_id",
            "value",
            "value_from",
            "unit",
            "raw",
            "comparator",
            "kind",
            "indicator",
            "verb",
            "commitment",
            "theme_id",
            "sentence",
            "char_start",
            "char_end",
            "ref_year",
            "ref_period",
        ],
        "key": ["target_id"],
    },
    "section_themes": {
        "description": "Theme scores of every leaf section; exactly one primary row per leaf.",
        "columns": [
            "section_id",
            "doc_id",
            "theme_id",
            "score",
            "share",
            "is_primary",
            "is_secondary",
            "codebook_version",
        ],
        "key": ["section_id", "theme_id"],
    },
    "section_terms": {
        "description": "Content terms of every leaf section below the preamble: the input of TF-IDF and clustering.",
        "columns": ["section_id", "doc_id", "terms"],
        "key": ["section_id"],
    },
    "section_clusters": {
        "description": "TF-IDF cluster of every leaf section below the preamble.",
        "columns": ["section_id", "cluster_id", "cluster_label", "similarity_to_centroid", "k", "min_df", "seed"],
        "key": ["section_id"],
    },
    "cluster_terms": {
        "description": "Top terms of each cluster by class-based TF-IDF.",
        "columns": ["cluster_id", "term", "weight", "rank", "count"],
        "key": ["cluster_id", "term"],
    },
    "doc_similarity": {
        "description": "Cosine similarity of every ordered pair of documents.",
        "columns": ["doc_a", "doc_b", "similarity"],
        "key": ["doc_a", "doc_b"],
    },
    "distinctive_terms": {
        "description": "Terms most distinctive of each document against the rest "
        "(log-odds, informative Dirichlet prior).",
        "columns": ["group", "term", "log_odds", "z", "count_group", "count_rest", "rank"],
        "key": ["group", "term"],
    },
    "plan_results": {
        "description": "Each target of a plan's year against the result the next later document of its "
        "jurisdiction reports for that year and indicator ('not reported' when none).",
        "columns": [
            "plan_doc_id",
            "result_doc_id",
            "target_id",
            "actual_id",
            "indicator_similarity",
            "indicator",
            "target_value",
            "target_unit",
            "target_comparator",
            "target_surface",
            "actual_value",
            "actual_unit",
            "actual_surface",
            "met",
        ],
        "key": ["target_id"],
    },
    "quality_issues": {
        "description": "What cleaning and parsing removed, repaired or flagged in the source.",
        "columns": ["doc_id", "kind", "char_start", "char_end", "excerpt", "action"],
        "key": ["doc_id", "kind", "char_start", "char_end"],
    },
}


def empty(table: str) -> pd.DataFrame:
    """A zero-row frame with the table's columns and dtypes."""
    import pandas as pd

    cols = TABLES[table]["columns"]
    return pd.DataFrame({c: pd.Series(dtype=COLUMNS[c][0]) for c in cols})


def validate(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Check a frame against its schema and return it with the declared dtypes.

    Raises:
        ValueError: missing or unexpected columns, values that do not fit the dtype,
            or a duplicated / null primary key.
    """
    spec = TABLES[table]
    cols = spec["columns"]
    missing = [c for c in cols if c not in df.columns]
    extra = [c for c in df.columns if c not in cols]
    if missing or extra:
        raise ValueError(f"table {table}: missing columns {missing}, unexpected columns {extra}")
    out = df.loc[:, cols].copy()
    for c in cols:
        dtype = COLUMNS[c][0]
        if str(out[c].dtype) == dtype or (dtype == "object" and out[c].dtype == object):
            continue
        try:
            if dtype == "string":
                out[c] = out[c].astype("string")
            else:
                out[c] = out[c].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"table {table}: column {c} does not fit {dtype}: {exc}") from None
    key = spec["key"]
    if len(out) and out[key].isna().any().any():
        raise ValueError(f"table {table}: null in key {key}")
    dup = out.duplicated(key)
    if dup.any():
        raise ValueError(f"table {table}: duplicate key {key}: {out.loc[dup, key].head(3).to_dict('records')}")
    return out.reset_index(drop=True)


def describe(table: str) -> pd.DataFrame:
    """The schema of a table as a readable frame (column, dtype, description)."""
    import pandas as pd

    return pd.DataFrame(
        [(c, *COLUMNS[c]) for c in TABLES[table]["columns"]], columns=["column", "dtype", "description"]
    )


# One namedtuple class per table, named at module level so that rows pickle (build cache,
# process pool) and so that tools can see them.
DocumentsRow = namedtuple("DocumentsRow", TABLES["documents"]["columns"])
SectionsRow = namedtuple("SectionsRow", TABLES["sections"]["columns"])
TargetsRow = namedtuple("TargetsRow", TABLES["targets"]["columns"])
SectionThemesRow = namedtuple("SectionThemesRow", TABLES["section_themes"]["columns"])
SectionTermsRow = namedtuple("SectionTermsRow", TABLES["section_terms"]["columns"])
SectionClustersRow = namedtuple("SectionClustersRow", TABLES["section_clusters"]["columns"])
ClusterTermsRow = namedtuple("ClusterTermsRow", TABLES["cluster_terms"]["columns"])
DocSimilarityRow = namedtuple("DocSimilarityRow", TABLES["doc_similarity"]["columns"])
DistinctiveTermsRow = namedtuple("DistinctiveTermsRow", TABLES["distinctive_terms"]["columns"])
PlanResultsRow = namedtuple("PlanResultsRow", TABLES["plan_results"]["columns"])
QualityIssuesRow = namedtuple("QualityIssuesRow", TABLES["quality_issues"]["columns"])
_ROW_TYPES = {
    "documents": DocumentsRow,
    "sections": SectionsRow,
    "targets": TargetsRow,
    "section_themes": SectionThemesRow,
    "section_terms": SectionTermsRow,
    "section_clusters": SectionClustersRow,
    "cluster_terms": ClusterTermsRow,
    "doc_similarity": DocSimilarityRow,
    "distinctive_terms": DistinctiveTermsRow,
    "plan_results": PlanResultsRow,
    "quality_issues": QualityIssuesRow,
}


def row_type(table: str) -> type:
    """The namedtuple class with the table's columns, for building rows without pandas."""
    return _ROW_TYPES[table]


def ancestors(section_id: str, parent: Mapping[str, str | None]):
    """The ids of a section's ancestors, nearest first (``parent`` maps id -> parent id)."""
    p = parent.get(section_id)
    while isinstance(p, str):
        yield p
        p = parent.get(p)


def as_rows(records) -> list:
    """Row tuples of a table given as a frame or as row tuples already."""
    return list(records.itertuples(index=False)) if hasattr(records, "itertuples") else list(records)


def leaf_ids(records) -> set[str]:
    """section_ids of the row tuples that have no children."""
    parents = {r.parent_id for r in records if isinstance(r.parent_id, str)}
    return {r.section_id for r in records if r.section_id not in parents}


def frame(records, table: str) -> pd.DataFrame:
    """A validated frame from row tuples in the table's column order (possibly none)."""
    import pandas as pd

    records = list(records)
    if not records:
        return empty(table)
    return validate(pd.DataFrame.from_records(records, columns=TABLES[table]["columns"]), table)


#: How each pandas dtype of COLUMNS is stored in Parquet (names of pyarrow type factories;
#: ``object`` columns hold lists of strings).
_ARROW_TYPES = {"string": "string", "Int64": "int64", "int64": "int64", "float64": "float64", "bool": "bool_"}


def arrow_schema(table: str) -> pa.Schema:
    """The table's Arrow schema: the same types whatever the rows hold (an empty table, or a
    column of empty term lists, would otherwise be inferred as null), so that tables of
    different builds concatenate."""
    import pyarrow as pa

    def arrow_type(dtype: str) -> pa.DataType:
        return pa.list_(pa.string()) if dtype == "object" else getattr(pa, _ARROW_TYPES[dtype])()

    return pa.schema([(c, arrow_type(COLUMNS[c][0])) for c in TABLES[table]["columns"]])

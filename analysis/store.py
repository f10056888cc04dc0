"""Where a project keeps its tables, and how they are written and read.

``data/processed/<table>.parquet`` holds the exact values; ``<table>.csv`` is the same table
in UTF-8 with a BOM for Excel, with cells that Excel would run as a formula made inert.
Notebooks and the build both go through here.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from analysis.errors import UserError
from analysis.schema import COLUMNS, TABLES, arrow_schema, validate

__all__ = ["Paths", "Tables", "read_table", "to_arrow", "from_arrow", "write_table", "FORMULA_START"]


@dataclass(frozen=True)
class Paths:
    """Where a project keeps its data."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def manifest(self) -> Path:
        return self.root / "data" / "manifest.csv"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def cache(self) -> Path:
        return self.processed / ".cache"


def to_arrow(df: pd.DataFrame, table: str) -> pa.Table:
    """A frame already validated (by :func:`frame`, :func:`validate` or the function that made
    it) as an Arrow table of the table's schema."""
    return pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)


def rows_to_arrow(rows: list[tuple], table: str) -> pa.Table:
    """Row tuples in the table's column order as an Arrow table of its schema, without a
    pandas frame in between (a build turns 60,000 sections into rows this way several times
    faster), with the same checks as :func:`analysis.schema.validate`: every value fits its
    column's type, and the key is never null or repeated.

    Raises:
        ValueError: a value of the wrong type, or a null or repeated key.
    """
    schema = arrow_schema(table)
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    try:
        tb = pa.Table.from_arrays(
            [pa.array(col, type=f.type, from_pandas=True) for col, f in zip(columns, schema)], schema=schema
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValueError(f"table {table}: {exc}") from None
    key = TABLES[table]["key"]
    if tb.num_rows and any(tb[c].null_count for c in key):
        raise ValueError(f"table {table}: null in key {key}")
    if tb.num_rows and tb.group_by(key).aggregate([]).num_rows < tb.num_rows:
        raise ValueError(f"table {table}: duplicate key {key}")
    return tb


def from_arrow(tb: pa.Table, table: str) -> pd.DataFrame:
    df = tb.to_pandas()
    for c in df.columns:
        if COLUMNS.get(c, ("",))[0] == "object":
            df[c] = df[c].map(list)
    return validate(df, table)


#: A text cell starting with one of these is run as a formula by Excel and LibreOffice
#: (``=HYPERLINK(…)``, ``@SUM(…)``, ``+1``, ``-1+1``, a tab or carriage return before one).
FORMULA_START = "^[=+\\-@\t\r]"


def _inert(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text cells that a spreadsheet would run as a formula, prefixed with ``'`` (OWASP's
    advice: the quote shows the cell as text and is not displayed)."""
    risky = pc.match_substring_regex(col, FORMULA_START)
    return pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)


def write_table(tb: pa.Table, table: str, out_dir: Path) -> None:
    """``<table>.parquet`` (the exact values) and ``<table>.csv`` for Excel: utf-8-sig so that
    it shows the Chinese, term lists joined by spaces, formula-like cells made inert."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(tb, out_dir / f"{table}.parquet", compression="snappy")
    for i, f in enumerate(tb.schema):
        if pa.types.is_list(f.type):
            tb = tb.set_column(i, f.name, pc.binary_join(tb[f.name], " "))
    for i, f in enumerate(tb.schema):
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            tb = tb.set_column(i, f.name, _inert(tb[f.name]))
    # pyarrow's CSV writer is several times faster than pandas'
    with (out_dir / f"{table}.csv").open("wb") as fh:
        fh.write(codecs.BOM_UTF8)
        pa_csv.write_csv(tb, fh, pa_csv.WriteOptions(quoting_style="needed"))


def read_table(table: str, root: Path | str = ".") -> pd.DataFrame:
    """Read a built table.

    Raises:
        UserError: the table has not been built yet.
    """
    p = Paths(Path(root)).processed / f"{table}.parquet"
    if not p.exists():
        raise UserError(f"{p} does not exist: run `minzheng build` first")
    return from_arrow(pq.read_table(p), table)


class Tables(Mapping):
    """The tables of a build, by name; each is turned into a pandas frame (as
    :func:`read_table` gives it) when first asked for, from Arrow or from its Parquet file
    (a build hands back paths, so that its tables are not all held in memory at once)."""

    def __init__(self, arrow: dict[str, pa.Table | Path]):
        self._arrow, self._frames = arrow, {}

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self._frames:
            tb = self._arrow[table]
            self._frames[table] = from_arrow(pq.read_table(tb) if isinstance(tb, Path) else tb, table)
        return self._frames[table]

    def __iter__(self):
        return iter(self._arrow)

    def __len__(self) -> int:
        return len(self._arrow)

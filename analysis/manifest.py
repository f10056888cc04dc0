"""``data/manifest.csv``: one row per document, checked before anything is built."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from analysis.errors import UserError
from analysis.schema import MANIFEST_COLUMNS

__all__ = ["COLUMNS", "REQUIRED", "DOC_ID_MAX", "load", "append_row", "unlisted_files", "check_doc_id"]

COLUMNS = MANIFEST_COLUMNS
REQUIRED = ["doc_id", "file", "jurisdiction_zh", "year", "genre"]
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_YEAR = re.compile(r"\d{4}")
#: A file name with no folder part (no / or \\) and not hidden.
_FILE = re.compile(r"[^/\\\x00]+")


def load(path: Path, raw_dir: Path) -> pd.DataFrame:
    """Read and check the manifest.

    Raises:
        UserError: unreadable file, a missing column, a row missing a required field, a bad
            year, a doc_id repeated, or a row naming a file that is not in ``raw_dir``.
    """
    if not path.exists():
        raise UserError(
            f"no manifest at {path}: create it (columns: {', '.join(REQUIRED)}) or run from the project folder"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    # every row must have the header's fields: an unquoted comma in a title would shift the
    # columns after it, and a row with too many fields would make pandas read one as index
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    for row in rows:
        if row and len(row) != len(header):
            raise UserError(
                f"{path}:{rows.line_num}: {len(row)} fields where the header has {len(header)}; "
                "put a field that holds a comma in double quotes"
            )
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise UserError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    missing_cols = [c for c in REQUIRED if c not in df.columns]
    if missing_cols:
        raise UserError(f"{path}: missing column(s) {', '.join(missing_cols)}")
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = ""
    seen: dict[str, int] = {}
    files = {p.name for p in raw_dir.iterdir() if p.is_file()} if raw_dir.is_dir() else set()
    real_dir = raw_dir.resolve()
    for i, row in enumerate(df[REQUIRED].itertuples(index=False)):
        line = i + 2  # header is line 1
        row = row._asdict()
        name = row["doc_id"] or f"(row {line})"
        for c in REQUIRED:
            if not row[c].strip():
                raise UserError(f"{path}:{line}: document {name} has no {c}: fill it in")
        check_doc_id(row["doc_id"], f"{path}:{line}: ")
        if row["doc_id"] in seen:
            raise UserError(f"{path}:{line}: duplicate doc_id '{row['doc_id']}' (first on line {seen[row['doc_id']]})")
        seen[row["doc_id"]] = line
        if not _YEAR.fullmatch(row["year"].strip()):
            raise UserError(f"{path}:{line}: document {name} has year '{row['year']}', expected four digits")
        _check_file(row["file"], raw_dir, real_dir, files, f"{path}:{line}: document {name}")
    return df[COLUMNS + [c for c in df.columns if c not in COLUMNS]]


#: Longest doc_id: it names files (data/raw/<doc_id>.txt, report pages), which most file
#: systems cap at 255 bytes.
DOC_ID_MAX = 100


def check_doc_id(doc_id: str, where: str = "") -> None:
    """A doc_id names files and report pages: lower-case letters, digits, '-', '.', '_'.

    Raises:
        UserError: anything else (a path, a space, a newline, upper case, too long).
    """
    if not _DOC_ID.fullmatch(doc_id) or len(doc_id) > DOC_ID_MAX:
        raise UserError(
            f"{where}doc_id {doc_id!r} must be lower-case letters, digits, '-', '.' or '_' "
            f"(at most {DOC_ID_MAX}), starting with a letter or digit"
        )


def _check_file(file: str, raw_dir: Path, real_dir: Path, files: set[str], where: str) -> None:
    """A manifest's ``file`` must name a regular file directly inside ``raw_dir`` (whose real
    path is ``real_dir``): no folders, no ``..``, no absolute path and no link that leads out
    of it."""
    if not _FILE.fullmatch(file) or file in (".", ".."):
        raise UserError(f"{where} names file '{file}': give a file name inside {raw_dir}, without folders")
    if file not in files:
        raise UserError(f"{where} names file '{file}', which is not in {raw_dir}")
    # only a link can lead out: the name has no folder part (resolving every file took 0.3 s
    # of a rebuild of 2,000 documents)
    if not (raw_dir / file).is_symlink():
        return
    target = (raw_dir / file).resolve()
    if not target.is_relative_to(real_dir):
        raise UserError(f"{where} names file '{file}', a link to {target} outside {raw_dir}; copy the file in instead")


def unlisted_files(df: pd.DataFrame, raw_dir: Path) -> list[str]:
    """Files in ``raw_dir`` that no manifest row names."""
    listed = set(df["file"])
    return sorted(
        p.name for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p.name not in listed
    )


def append_row(path: Path, row: dict[str, str]) -> None:
    """Append one row in the file's own column order, keeping every existing byte; only when
    the row fills a column the header lacks (``source_url`` in a manifest made before it
    existed) is that column added at the end of every line."""
    new = not path.exists() or path.stat().st_size == 0
    if new:
        header = COLUMNS
    else:
        text = path.read_text(encoding="utf-8-sig")
        header = next(csv.reader(io.StringIO(text)), [])
        extra = [c for c in COLUMNS if c not in header and row.get(c)]
        if extra:
            _add_columns(path, text, extra)
            header = [*header, *extra]
        with path.open("rb") as fh:
            fh.seek(-1, 2)
            needs_nl = fh.read(1) != b"\n"
    with path.open("a", encoding="utf-8", newline="") as fh:
        if new:
            csv.writer(fh, lineterminator="\n").writerow(COLUMNS)
        elif needs_nl:
            fh.write("\n")
        csv.writer(fh, lineterminator="\n").writerow([row.get(c, "") for c in header])


def _add_columns(path: Path, text: str, extra: list[str]) -> None:
    """Rewrite the manifest with empty ``extra`` columns at the end (atomically)."""
    rows = list(csv.reader(io.StringIO(text)))
    rows = [rows[0] + extra] + [r + [""] * len(extra) if r else r for r in rows[1:]]
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    tmp.replace(path)

"""``minzheng build``: data/raw + data/manifest.csv -> data/processed.

Load inputs (manifest, raw bytes) / process (per document, cached by the source file's
SHA-256 and the pipeline's own code fingerprint) / save outputs (Parquet, plus CSV in
utf-8-sig so that Excel shows the Chinese).
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import hashlib
import os
import pickle
from itertools import chain
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from tqdm import tqdm

from . import manifest as mf
from .corpus import analyze
from .errors import UserError
from .pipeline import DocResult, process
from .schema import COLUMNS, TABLES, frame, validate
from .textio import sha256_bytes

__all__ = ["Paths", "build", "code_fingerprint", "write_table", "read_table"]

#: Below this many documents to (re)process, a process pool costs more than it saves.
POOL_MIN_DOCS = 8
#: With this many cached documents to load, even one new document is processed in a worker,
#: while the parent loads the cache (a rebuild after adding a document to 2,000 does both
#: in about a second each).
OVERLAP_MIN_CACHED = 200
#: Documents handed to a worker at a time, at most: big enough that task overhead is nil,
#: small enough that no core idles long at the end (with 250-document chunks one core sat
#: idle for the last ~9 s of a 2,000-document build).
MAX_CHUNK = 16


def _chunksize(n: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, n // (workers * 16)))


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


def code_fingerprint() -> str:
    """Hash of the package's code and resources: a cached result is reused only when both
    the document and the code that processed it are unchanged."""
    h = hashlib.sha256()
    pkg = Path(__file__).parent
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".tsv", ".txt", ".csv", ".json"} and "__pycache__" not in p.parts:
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def write_table(df: pd.DataFrame, table: str, out_dir: Path) -> pd.DataFrame:
    """Validate against the schema and write ``<table>.parquet`` and ``<table>.csv``."""
    df = validate(df, table)
    out_dir.mkdir(parents=True, exist_ok=True)
    df.to_parquet(out_dir / f"{table}.parquet", index=False)
    flat = df.assign(**{c: df[c].map(" ".join) for c in df.columns if COLUMNS[c][0] == "object"})
    # pyarrow's CSV writer is several times faster than pandas'; the BOM makes Excel read UTF-8
    with (out_dir / f"{table}.csv").open("wb") as fh:
        fh.write(codecs.BOM_UTF8)
        pa_csv.write_csv(pa.Table.from_pandas(flat, preserve_index=False), fh, pa_csv.WriteOptions(quoting_style="needed"))
    return df


def read_table(table: str, root: Path | str = ".") -> pd.DataFrame:
    """Read a built table.

    Raises:
        UserError: the table has not been built yet.
    """
    p = Paths(Path(root)).processed / f"{table}.parquet"
    if not p.exists():
        raise UserError(f"{p} does not exist: run `minzheng build` first")
    df = pd.read_parquet(p)
    for c in df.columns:
        if COLUMNS.get(c, ("",))[0] == "object":
            df[c] = df[c].map(list)
    return validate(df, table)


def _run(args: tuple[bytes, str, str, str | None, Path]) -> DocResult:
    """Process one document and write its cache entry (in the worker, so the parent only
    receives the result)."""
    data, doc_id, name, genre, key = args
    res = process(data, doc_id, name, genre)
    _save(key, res)
    return res


def _documents_row(row: dict, res: DocResult) -> dict:
    levels = [r.level for r in res.section_rows]
    out = {c: (row[c] or None) for c in mf.COLUMNS}
    out["year"] = int(row["year"])
    out.update(
        encoding=res.decoded.encoding,
        source_sha256=res.decoded.sha256,
        n_chars=len(res.decoded.text),
        n_parts=levels.count(1),
        n_items=levels.count(2),
        n_quality_issues=len(res.issue_rows),
    )
    return out


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector.

    A build allocates millions of small objects (rows, terms) and keeps them all to the end;
    the collector rescans them again and again while finding almost nothing to free (it made
    loading the cache of 2,000 documents take 2.4 s instead of 0.7 s).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@_gc_paused()
def build(root: Path | str = ".", workers: int | None = None, progress: bool = True) -> dict[str, pd.DataFrame]:
    """Build every table from the manifest and raw files.

    Args:
        root: the project folder (holding ``data/``).
        workers: processes for the per-document stages; default: the number of cores.
        progress: show a progress bar on stderr.

    Returns:
        The tables written, by name.

    Raises:
        UserError: a bad manifest, or a document that cannot be read.
    """
    paths = Paths(Path(root))
    man = mf.load(paths.manifest, paths.raw)
    for name in mf.unlisted_files(man, paths.raw):
        mf.warn(f"{paths.raw / name} has no row in {paths.manifest}; it is not built (add it with `minzheng add`)")

    fp = code_fingerprint()
    paths.cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, DocResult] = {}
    todo, cached = [], []
    for row in man.itertuples():
        data = (paths.raw / row.file).read_bytes()
        key = paths.cache / f"{sha256_bytes(data)}-{row.doc_id}-{fp}.pkl"
        if key.exists():
            cached.append((row.doc_id, key))
        else:
            todo.append((data, row.doc_id, str(paths.raw / row.file), row.genre, key))

    workers = workers or os.cpu_count() or 1
    bar = tqdm(total=len(man), desc="documents", unit="doc", disable=not progress)
    use_pool = workers > 1 and todo and (len(todo) >= POOL_MIN_DOCS or len(cached) >= OVERLAP_MIN_CACHED)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(todo))) if use_pool else None
    try:
        # the pool starts on the new documents before the cache is loaded, so the two overlap
        done = pool.map(_run, todo, chunksize=_chunksize(len(todo), workers)) if pool else None
        for doc_id, key in cached:
            with key.open("rb") as fh:
                results[doc_id] = pickle.load(fh)
        bar.update(len(cached))
        for job, res in zip(todo, done if pool else map(_run, todo)):
            results[job[1]] = res
            bar.update()
    finally:
        if pool:
            pool.shutdown()
    bar.close()

    ordered = [results[d] for d in man.doc_id]
    docs = pd.DataFrame([_documents_row(r, res) for r, res in zip(man[mf.COLUMNS].to_dict("records"), ordered)],
                        columns=TABLES["documents"]["columns"])
    tables = {
        "documents": docs,
        "sections": frame(chain.from_iterable(r.section_rows for r in ordered), "sections"),
        "quality_issues": frame(chain.from_iterable(r.issue_rows for r in ordered), "quality_issues"),
        "targets": frame(chain.from_iterable(r.target_rows for r in ordered), "targets"),
        "section_themes": frame(chain.from_iterable(r.leaf_theme_rows for r in ordered), "section_themes"),
    }
    tables.update(analyze(ordered, k_cache=paths.cache / "k.json"))
    # pyarrow releases the GIL while it encodes and writes, so tables are written side by side
    with ThreadPoolExecutor(max_workers=max(1, min(workers, 4))) as writers:
        written = writers.map(lambda item: write_table(item[1], item[0], paths.processed), tables.items())
        return dict(zip(tables, written))


def _save(key: Path, res: DocResult) -> None:
    tmp = key.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(res, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(key)

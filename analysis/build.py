"""``minzheng build``: data/raw + data/manifest.csv -> data/processed.

Load inputs (manifest, raw bytes) / process (per document, cached by the source file's
SHA-256 and the pipeline's own code fingerprint) / save outputs (Parquet, plus CSV in
utf-8-sig so that Excel shows the Chinese).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from itertools import chain
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from analysis import manifest as mf
from analysis.corpus.analyze import SectionCounts, analyze, prepare_analysis
from analysis.corpus.segment import engine_name
from analysis.errors import UserError, log
from analysis.ingest.read import read_bytes, sha256_bytes
from analysis.params import Interval, progress_off, validate_params
from analysis.result import DocResult
from analysis.schema import TABLES, frame, validate
from analysis.store import Paths, Tables, from_arrow, rows_to_arrow, to_arrow, write_table

__all__ = ["build", "summary", "code_fingerprint", "DOC_TABLES", "SUMMARY_ROWS"]

#: Below this many documents to (re)process, a process pool costs more than it saves.
POOL_MIN_DOCS = 8
#: With this many other documents to load (kept from the previous build or cached), even
#: one new document is processed in a worker, while the main process loads them and
#: imports scikit-learn (a rebuild after adding a document to 2,000 does both in about a
#: second each).
OVERLAP_MIN_CACHED = 200
#: Documents handed to a worker at a time, at most: big enough that task overhead is nil,
#: small enough that no core idles long at the end (with 250-document chunks one core sat
#: idle for the last ~9 s of a 2,000-document build).
MAX_CHUNK = 16


def _chunksize(n: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK, n // (workers * 16)))


def code_fingerprint() -> str:
    """Hash of the package's code and resources: a cached result is reused only when both
    the document and the code that processed it are unchanged."""
    h = hashlib.sha256()
    # the libraries whose output the per-document stages keep (tokens, numerals, decoding)
    for dist in ("jieba", "rjieba", "cn2an", "charset-normalizer"):
        h.update(f"{dist}=={metadata.version(dist)}".encode())
    # the engine that segments (MINZHENG_SEGMENTER); an unknown one fails here, before any work
    h.update(f"segmenter={engine_name()}".encode())
    pkg = Path(__file__).parent
    # every file of the package, whatever its suffix (a codebook.toml edit must reach every
    # document), but not Python's byte-code caches
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _watch_parent(parent: int) -> None:
    """In each worker: exit once the build that started it is gone (killed with -9), rather
    than stay blocked writing results that no one will read. Also turns the cyclic garbage
    collector back on: a forked worker inherits the build's paused one, and without it each
    worker grew from 290 to 680 MB over 5,000 documents."""
    gc.enable()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="minzheng-watch-parent").start()


def _run(args: tuple[bytes | None, str, str, str | None, int, Path | None]) -> DocResult:
    """Process one document and, given a cache path, write its cache entry there (in a local
    worker, so the parent only receives the result). Without its bytes, the document is
    read from its path here: a local build does not hold every raw file in memory at once."""
    from analysis.pipeline import process  # imported in the workers only: see analysis.result

    data, doc_id, name, genre, year, key = args
    if data is None:
        data = read_bytes(name)
    res = process(data, doc_id, name, genre, year)
    if key is not None:
        _save(key, res)
    return res


def _run_chunk(jobs: list[tuple]) -> list[DocResult]:
    """A few documents in one task: the unit an executor is handed (task overhead, negligible
    for a local pool, is milliseconds per task on a Dask cluster)."""
    return [_run(job) for job in jobs]


#: Tables with a block of rows per document (in manifest order), and the DocResult rows of
#: each. A rebuild copies the blocks of unchanged documents from the previous build's Parquet.
DOC_TABLES = {
    "sections": "section_rows",
    "quality_issues": "issue_rows",
    "targets": "target_rows",
    "section_themes": "leaf_theme_rows",
    "section_terms": "section_term_rows",
}
#: The measured columns of ``documents`` (the others come from the manifest).
_DOC_STATS = ["doc_id", "encoding", "source_sha256", "n_chars", "n_parts", "n_items", "n_quality_issues"]
#: Kept in the cache folder for the next build: what this build was made of (_STATE) and the
#: section x term counts of its documents (_COUNTS).
_STATE, _COUNTS = "state.json", "counts.npz"


def _doc_stats(res: DocResult) -> tuple:
    levels = [r.level for r in res.section_rows]
    return (
        res.doc_id,
        res.decoded.encoding,
        res.decoded.sha256,
        len(res.decoded.text),
        levels.count(1),
        levels.count(2),
        len(res.issue_rows),
    )


def _documents(man: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """The manifest's columns ('' as null) and each document's measured ones."""
    meta = man[mf.COLUMNS].replace("", None).assign(year=man.year.astype(int))
    stats = stats.set_index("doc_id").reindex(meta.doc_id).reset_index(drop=True)
    return validate(pd.concat([meta.reset_index(drop=True), stats], axis=1), "documents")


def _doc_key(data: bytes, doc_id: str, genre: str, year: int, fp: str) -> str:
    """What a document's rows depend on: its bytes, id, genre and year, and the code."""
    return f"{sha256_bytes(data)}-{doc_id}-{hashlib.sha256(f'{genre}|{year}|{fp}'.encode()).hexdigest()[:16]}"


@dataclass
class _Previous:
    """The previous build, when it was made by the same code and its files are as it left them."""

    keys: dict[str, str]
    paths: Paths
    manifest: str = ""

    @classmethod
    def find(cls, paths: Paths, fp: str) -> "_Previous | None":
        try:
            state = json.loads((paths.cache / _STATE).read_text(encoding="utf-8"))
            if state["fingerprint"] != fp or any(_stamp(paths.processed / f) != st for f, st in state["files"].items()):
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return cls(state["docs"], paths, state.get("manifest", ""))

    def table(self, table: str, kept: list[str]) -> pa.Table:
        """The rows of the ``kept`` documents in a per-document table."""
        tb = pq.read_table(self.paths.processed / f"{table}.parquet")
        return tb.filter(pc.is_in(tb["doc_id"], value_set=pa.array(kept, pa.string())))

    def stats(self, kept: list[str]) -> pd.DataFrame:
        """The measured columns of ``documents`` for the ``kept`` documents."""
        docs = pq.read_table(self.paths.processed / "documents.parquet", columns=_DOC_STATS).to_pandas()
        return docs[docs.doc_id.isin(kept)]

    def counts(self) -> SectionCounts:
        return SectionCounts.load(self.paths.cache / _COUNTS)


def _stamp(p: Path) -> list[int]:
    st = p.stat()
    return [st.st_size, st.st_mtime_ns]


def _in_order(tb: pa.Table, order: list[str]) -> pa.Table:
    """Rows sorted by their document's place in ``order``; a document's rows keep theirs."""
    if "doc_id" not in tb.column_names:  # a corpus table: in the order it was made
        return tb
    rank = pc.index_in(tb["doc_id"], value_set=pa.array(order, pa.string())).to_numpy(zero_copy_only=False)
    if len(rank) < 2 or (rank[1:] >= rank[:-1]).all():
        return tb
    return tb.take(pc.sort_indices(pa.array(rank)))  # a stable sort


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


@validate_params(workers=[Interval(1, None, integer=True), None], progress=[{True, False}])
@_gc_paused()
def build(
    root: Path | str = ".", workers: int | None = None, progress: bool = True, executor: Executor | None = None
) -> Tables:
    """Build every table from the manifest and raw files.

    Only new or changed documents are processed (or loaded from the cache of processed
    documents); the rows of the others are copied from the previous build. The corpus-level
    tables are always recomputed, from the section x term counts.

    Args:
        root: the project folder (holding ``data/``).
        workers: processes for the per-document stages; default: the number of cores.
        progress: show a progress bar on stderr.
        executor: any ``concurrent.futures`` executor to run the per-document stage on (a
            Dask cluster's ``client.get_executor()``, see :mod:`analysis.executors`); its
            workers return results and this process writes the cache. Default: a local
            process pool of ``workers``.

    Returns:
        The tables written, by name.

    Raises:
        UserError: a bad manifest, or a document that cannot be read.
    """
    paths = Paths(Path(root))
    with _locked(paths):
        return _build(paths, workers, progress, executor)


def _build(paths: Paths, workers: int | None, progress: bool, executor: Executor | None = None) -> Tables:
    man = mf.load(paths.manifest, paths.raw)
    for name in mf.unlisted_files(man, paths.raw):
        log.warning(f"{paths.raw / name} has no row in {paths.manifest}; it is not built (add it with `minzheng add`)")

    fp = code_fingerprint()
    # every folder the build writes is checked before any document is processed
    staging = _staging(paths)
    try:
        return _build_into(paths, man, fp, staging, workers, progress, executor)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _build_into(
    paths: Paths,
    man: pd.DataFrame,
    fp: str,
    staging: Path,
    workers: int | None,
    progress: bool,
    executor: Executor | None = None,
) -> Tables:
    prev = _Previous.find(paths, fp)
    keys, kept, cached, todo = {}, [], [], []
    jobs = {}
    for doc_id, file, genre, year in zip(*(man[c].tolist() for c in ("doc_id", "file", "genre", "year"))):
        data, year = read_bytes(paths.raw / file), int(year)
        keys[doc_id] = key = _doc_key(data, doc_id, genre, year, fp)
        jobs[doc_id] = job = (None, doc_id, str(paths.raw / file), genre, year, paths.cache / f"{key}.pkl")
        if prev and prev.keys.get(doc_id) == key:
            kept.append(doc_id)
        elif job[-1].exists():
            cached.append((doc_id, job[-1]))
        else:
            todo.append(job)

    manifest_sha = sha256_bytes(paths.manifest.read_bytes())
    # the same keys in the same order mean every document is kept (none to process or load)
    if prev and list(prev.keys.items()) == list(keys.items()) and prev.manifest == manifest_sha:
        # nothing changed since the last build (documents, manifest, code): its tables stand
        log.info("nothing changed since the last build; the tables in %s are up to date", paths.processed)
        return _on_disk(paths)

    workers = workers or os.cpu_count() or 1
    bar = tqdm(total=len(man), desc="documents", unit="doc", disable=progress_off(progress))
    use_pool = workers > 1 and todo and (len(todo) >= POOL_MIN_DOCS or len(kept) + len(cached) >= OVERLAP_MIN_CACHED)
    pool = None
    if executor is None and use_pool:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(todo)), initializer=_watch_parent, initargs=(os.getpid(),)
        )
    # pyarrow reads and writes without the GIL, so tables are read and written in threads
    # while the main thread goes on (one thread only: a one-worker build stays serial)
    io = ThreadPoolExecutor(max_workers=min(workers, 4)) if workers > 1 else _Inline()
    sink = _Sink(staging)
    try:
        # the pool starts on the new documents first; the rest is loaded meanwhile
        done = _map_chunks(executor or pool, todo, workers, local=executor is None) if todo else iter(())
        old = {t: io.submit(prev.table, t, kept) for t in DOC_TABLES} if kept else {}
        old_stats, old_counts = (prev.stats(kept), prev.counts()) if kept else (None, None)
        prepare_analysis()
        bar.update(len(kept))
        for doc_id, pkl in cached:
            sink.add(_load(pkl) or _run(jobs[doc_id]))
        bar.update(len(cached))
        for job, res in zip(todo, done):
            if executor is not None:  # its workers may not see this disk: the cache is written here
                _save(job[-1], res)
            sink.add(res)
            bar.update()
        sink.close()
    finally:
        if pool:
            pool.shutdown()
    bar.close()

    order = man.doc_id.tolist()
    # the new set is written beside the old one and swapped in whole: a reader never sees
    # new tables beside old ones, and a build stopped half-way leaves the old set intact
    with io:
        written = {}
        for t in DOC_TABLES:
            # each table is read back inside its task and let go once written, so that at
            # most one per thread is in memory (a build of 10,000 documents held them all)
            written[t] = io.submit(_assemble_new, t, sink, old.get(t), order, staging)
        stats = sink.stats()
        if kept:
            stats = pd.concat([old_stats, stats]) if len(stats) else old_stats
        written["documents"] = io.submit(
            _assemble, "documents", [to_arrow(_documents(man, stats), "documents")], order, staging
        )
        if len(order) > OVERLAP_MAX_DOCS:  # the tables' memory is not added to the corpus stage's
            for f in written.values():
                f.result()
            # pyarrow's allocator keeps what the tables used; handed back, it is room for
            # the corpus stage
            pa.default_memory_pool().release_unused()
        counts = SectionCounts.combine(([old_counts] if kept else []) + sink.counts, order)
        sink.counts = old_counts = None  # the parts, now merged into one matrix
        saved = io.submit(counts.save, staging / _COUNTS)
        for t, df in analyze(counts, k_cache=paths.cache / "k.json").items():
            written[t] = io.submit(_assemble, t, [to_arrow(df, t)], order, staging)
        del counts
        for f in written.values():
            f.result()
        pr = _plan_results(man, pq.read_table(staging / "targets.parquet"))
        _assemble("plan_results", [to_arrow(pr, "plan_results")], order, staging)
        saved.result()
    # a rename keeps a file's size and time, so the stamps taken here hold after the swap
    stamps = {f"{t}.parquet": _stamp(staging / f"{t}.parquet") for t in [*written, "plan_results"]}
    stamps[f".cache/{_COUNTS}"] = _stamp(staging / _COUNTS)
    state = {"fingerprint": fp, "docs": keys, "files": stamps, "manifest": manifest_sha}
    (staging / _STATE).write_text(json.dumps(state), encoding="utf-8")
    _swap(paths, staging)
    _prune(paths.cache, set(keys.values()))
    # the tables are read back from disk when asked for, so a build of 10,000 documents does
    # not hold them all in memory at its end
    return _on_disk(paths)


def _on_disk(paths: Paths) -> Tables:
    """The built tables, each read from its Parquet file when first asked for (a corpus
    without a section to cluster has no cluster tables)."""
    files = {t: paths.processed / f"{t}.parquet" for t in TABLES}
    return Tables({t: f for t, f in files.items() if f.exists()})


def _map_chunks(executor: Executor | None, todo: list[tuple], workers: int, local: bool):
    """Results of ``todo`` in order: on ``executor`` in chunks, or here, one at a time. A
    local pool writes each cache entry in the worker; another executor's workers return
    results only (their cache path is dropped from the job)."""
    if executor is None:
        return map(_run, todo)
    # another executor's workers may not see this disk: they get the bytes, not the path
    jobs = todo if local else [(read_bytes(job[2]), *job[1:-1], None) for job in todo]
    size = _chunksize(len(jobs), workers)
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    return chain.from_iterable(executor.map(_run_chunk, chunks))


#: Up to this many documents, the per-document tables are written while the corpus stage
#: runs; above, first (10,000 documents: 2.15 GB peak with the two at once).
OVERLAP_MAX_DOCS = 5000
#: Documents whose rows are held before they are written out as one row group: memory stays
#: at this many documents' rows, whatever the size of the corpus.
SINK_BATCH = 256


class _Sink:
    """Where the per-document results go as they arrive: their rows are written to Parquet
    in row groups of ``SINK_BATCH`` documents, their section x term counts kept as sparse
    matrices, the DocResults themselves dropped."""

    def __init__(self, staging: Path):
        self.dir, self.buffer, self.counts, self._stats = staging, [], [], []
        self.writers: dict[str, pq.ParquetWriter] = {}

    def add(self, res: DocResult) -> None:
        self.buffer.append(res)
        if len(self.buffer) >= SINK_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        for t, rows in DOC_TABLES.items():
            tb = rows_to_arrow([row for r in self.buffer for row in getattr(r, rows)], t)
            if t not in self.writers:
                self.writers[t] = pq.ParquetWriter(self.dir / f"{t}.new.parquet", tb.schema)
            self.writers[t].write_table(tb)
        self._stats.extend(map(_doc_stats, self.buffer))
        self.counts.append(SectionCounts.of(self.buffer))
        self.buffer = []

    def close(self) -> None:
        self._flush()
        for w in self.writers.values():
            w.close()

    def table(self, t: str) -> pa.Table:
        """The new rows of table ``t`` (read back, then the file removed)."""
        path = self.dir / f"{t}.new.parquet"
        if not path.exists():
            return to_arrow(frame([], t), t)
        tb = pq.read_table(path)
        path.unlink()
        return tb

    def stats(self) -> pd.DataFrame:
        return pd.DataFrame(self._stats, columns=_DOC_STATS)


def _plan_results(man: pd.DataFrame, targets: pa.Table) -> pd.DataFrame:
    """``plan_results``: computed only where a jurisdiction has documents of two years or more
    (the targets are turned into a frame for those documents alone)."""
    from analysis.corpus.plan_results import plan_results

    years = man.assign(year=man.year.astype(int)).groupby("jurisdiction_zh").year.transform("nunique")
    docs = man[years > 1].assign(year=lambda d: d.year.astype(int))
    if docs.empty:
        return validate(pd.DataFrame(columns=TABLES["plan_results"]["columns"]), "plan_results")
    keep = targets.filter(pc.is_in(targets["doc_id"], value_set=pa.array(docs.doc_id.tolist(), pa.string())))
    return validate(plan_results(docs, from_arrow(keep, "targets")), "plan_results")


_LOCK = ".build.lock"
_STAGING_PREFIX = ".processed-"


@contextlib.contextmanager
def _locked(paths: Paths):
    """One build of a project at a time: a second one waits for the first to finish
    (``data/.build.lock``; the lock goes with the process, so a killed build frees it)."""
    try:
        import fcntl
    except ImportError:  # not on Windows: builds there are not serialised
        yield
        return
    paths.root.joinpath("data").mkdir(parents=True, exist_ok=True)
    lock = paths.root / "data" / _LOCK
    try:
        fh = lock.open("a+")
    except OSError as exc:
        raise UserError(f"cannot write to {lock.parent} ({exc.strerror}): the build needs to write there") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            log.warning("another build of %s is running (pid %s); waiting for it", paths.root, fh.read().strip() or "?")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield


def _staging(paths: Paths) -> Path:
    """A fresh folder beside ``data/processed`` for the new set of tables; leftovers of
    builds that were killed are removed (no other build runs: the lock is held). Also makes
    sure the cache folder is writable, so that a read-only project fails now, in one line,
    not after every document is processed."""
    data = paths.processed.parent
    for old in data.glob(f"{_STAGING_PREFIX}*"):
        shutil.rmtree(old, ignore_errors=True)
    try:
        paths.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=paths.cache):
            pass
        return Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=data))
    except OSError as exc:
        where = exc.filename or data
        raise UserError(f"cannot write to {where} ({exc.strerror}): make it writable, or remove it") from None


def _swap(paths: Paths, staging: Path) -> None:
    """Put the new set in place of the old one in one step.

    The per-document cache moves into the new set first, then the two folders change places
    (one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames, with a moment
    in which ``data/processed`` is missing, never half old and half new).
    """
    cache = staging / paths.cache.name
    paths.cache.rename(cache)
    (staging / _COUNTS).rename(cache / _COUNTS)
    (staging / _STATE).rename(cache / _STATE)
    if not paths.processed.exists():
        staging.rename(paths.processed)
    elif not _exchange(staging, paths.processed):
        old = staging.with_name(staging.name + "-old")
        paths.processed.rename(old)
        staging.rename(paths.processed)
        staging = old
    shutil.rmtree(staging, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _assemble(table: str, parts: list[pa.Table], order: list[str], out_dir: Path) -> None:
    """One table from its parts (previous rows, new rows) in manifest order, written."""
    tb = _in_order(pa.concat_tables(parts) if len(parts) > 1 else parts[0], order)
    parts.clear()
    write_table(tb, table, out_dir)


def _assemble_new(table: str, sink: "_Sink", old: Future | None, order: list[str], out_dir: Path) -> None:
    """A per-document table: the kept rows of the previous build and the new rows."""
    parts = [old.result(), sink.table(table)] if old is not None else [sink.table(table)]
    _assemble(table, parts, order, out_dir)


class _Inline(Executor):
    """An executor that runs each task at once, in the calling thread (a one-worker build)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        f = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            f.set_exception(exc)
        return f


def _save(key: Path, res: DocResult) -> None:
    tmp = key.with_suffix(f".{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            pickle.dump(res, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(key)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _load(pkl: Path) -> DocResult | None:
    """A cached result, or None when the entry is unreadable (truncated by a crash, written
    by another version): it is then removed and the document processed again."""
    try:
        with pkl.open("rb") as fh:
            res = pickle.load(fh)
        if isinstance(res, DocResult):
            return res
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        pass
    log.warning("cache entry %s is unreadable; the document is processed again", pkl.name)
    pkl.unlink(missing_ok=True)
    return None


def _prune(cache: Path, keys: set[str]) -> None:
    """Remove cache entries of documents no longer in the build (edited, removed, or made by
    older code) and temporary files left by a build that was stopped."""
    for p in cache.glob("*.pkl"):
        if p.stem not in keys:
            p.unlink(missing_ok=True)
    for p in cache.glob("*.tmp"):
        p.unlink(missing_ok=True)


#: The build summary lists every document up to this many, else the ones with most issues.
SUMMARY_ROWS = 30


def summary(tables: Mapping[str, pd.DataFrame], documents_csv: Path) -> str:
    """What a build made, per document (parts, items, quantities, quality issues by kind)."""
    docs, qi = tables["documents"], tables["quality_issues"]
    lines = []
    per_doc = docs[["doc_id", "n_chars", "n_parts", "n_items", "n_quality_issues"]].copy()
    per_doc["n_targets"] = per_doc.doc_id.map(tables["targets"].doc_id.value_counts()).fillna(0).astype(int)
    per_kind = (
        qi.groupby(["doc_id", "kind"], observed=True).size().sort_values(ascending=False, kind="stable").reset_index()
    )
    per_kind["s"] = per_kind.kind.astype(str) + " " + per_kind[0].astype(str)
    issues = per_kind.groupby("doc_id", observed=True).s.agg(", ".join).to_dict()
    per_doc["issues"] = [issues.get(d, "") for d in per_doc.doc_id]  # '' for a document without any
    if len(per_doc) > SUMMARY_ROWS:
        totals = qi.kind.value_counts()
        lines.append(
            f"{len(per_doc)} documents, {int(per_doc.n_items.sum())} items, {int(per_doc.n_targets.sum())} quantities; "
            f"quality issues: {', '.join(f'{k} {n}' for k, n in totals.items())}"
        )
        lines.append(f"the {SUMMARY_ROWS} documents with most quality issues (all of them: {documents_csv}):")
        per_doc = per_doc.sort_values("n_quality_issues", ascending=False, kind="stable").head(SUMMARY_ROWS)
    lines.append(per_doc.to_string(index=False))
    return "\n".join(lines)

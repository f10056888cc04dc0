"""The ``minzheng`` command line (also ``python -m analysis``).

Bad input never shows a traceback: it is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import re
import sys
import traceback
import unicodedata
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import __version__
from analysis.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, UserError, log

if TYPE_CHECKING:
    import pandas as pd

    from analysis.result import DocResult

# Each command imports what it needs when it runs: `minzheng --help` and argument errors
# answer without loading pandas, pyarrow or the pipeline.

__all__ = ["main", "run"]


def _jsonable(v):
    # pandas is only consulted when it is loaded: the single-file commands print row tuples
    pd = sys.modules.get("pandas")
    if v is None or (pd is not None and v is pd.NA) or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: _jsonable(v) for k, v in r.items()} for r in df.to_dict("records")]


def _row_records(rows: list) -> list[dict]:
    """Row tuples as JSON objects, as :func:`_records` gives the same rows as a frame."""
    return [{k: _jsonable(v) for k, v in r._asdict().items()} for r in rows]


def _width(s: str) -> int:
    """Columns ``s`` takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _print_table(columns: list[str], rows: list[tuple], max_width: int = 40) -> None:
    """Rows as aligned text columns (cells cut at ``max_width`` with …), right-aligned like a
    frame's ``to_string``; CJK characters count two columns, so Chinese cells line up."""

    def cut(s: str) -> str:
        if _width(s) <= max_width:
            return s
        out, w = "", 0
        for c in s:
            w += _width(c)
            if w > max_width - 1:
                return out + "…"
            out += c
        return out

    cells = [[cut("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max([_width(c)] + [_width(r[j]) for r in cells]) for j, c in enumerate(columns)]
    for r in [list(columns), *cells]:
        print(" ".join(" " * (w - _width(v)) + v for v, w in zip(r, widths)))


def _read_file(path: str) -> tuple[bytes, str]:
    from analysis.ingest.read import read_bytes

    return read_bytes(path), Path(path).name


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9._-]+", "-", Path(name).stem.lower()).strip("-._")
    return s or "doc"


def _process(data: bytes, doc_id: str, name: str) -> DocResult:
    # the pipeline is imported on use: `minzheng build` runs it in its workers only
    # (see analysis.result)
    from analysis.pipeline import process

    return process(data, doc_id, name)


def _one_file(path: str) -> DocResult:
    data, name = _read_file(path)
    return _process(data, _slug(name), path)


def _print_outline(res: DocResult) -> None:
    s = res.section_rows
    for r in s:
        indent = "  " * max(r.level - 1, 0)
        label = r.label_raw or ("·" if r.level else "")
        print(f"{r.section_id:<24} {indent}{label} {r.title or ''}".rstrip())
    kinds = Counter(r.kind for r in res.issue_rows).most_common()
    levels = Counter(min(r.level, 3) for r in s)
    print(
        f"-- {levels[1]} parts, {levels[2]} items, {levels[3]} sub-items; {len(res.issue_rows)} quality issues"
        + (f" ({', '.join(f'{k} {v}' for k, v in kinds)})" if kinds else "")
    )


def cmd_outline(args) -> int:
    res = _one_file(args.file)
    if args.json:
        print(json.dumps({"sections": _row_records(res.section_rows)}, ensure_ascii=False, indent=1))
    else:
        _print_outline(res)
    return 0


def cmd_themes(args) -> int:
    res = _one_file(args.file)
    from analysis.extract.themes import codebook_version, section_listing  # loaded with the pipeline

    leaf = [r for r in res.leaf_theme_rows if r.is_primary]
    rows = section_listing(res.section_rows, res.theme_rows, {r.section_id for r in leaf})
    if args.json:
        print(json.dumps({"sections": rows, "codebook_version": codebook_version()}, ensure_ascii=False, indent=1))
        return 0
    for x in rows:
        indent = "  " * max(x["level"] - 1, 0)
        extra = f"  (also {', '.join(x['secondary'])})" if x["secondary"] else ""
        mark = "" if x["is_leaf"] else "  [own text]"
        print(f"{x['section_id']:<24} {indent}{x['title'][:24]:<26} {x['theme_id']} {x['score']:.1f}{extra}{mark}")
    print(
        f"-- {len(leaf)} leaf sections, {sum(r.theme_id == 'unclassified' for r in leaf)} unclassified; "
        f"codebook {codebook_version()}"
    )
    return 0


def _number(v) -> str:
    return "" if v is None or v != v else f"{v:,.10g}"  # v != v: NaN


def cmd_targets(args) -> int:
    res = _one_file(args.file)
    t = res.target_rows
    if args.json:
        print(json.dumps({"targets": _row_records(t)}, ensure_ascii=False, indent=1))
        return 0
    if not t:
        print("-- no quantities found")
        return 0
    columns = ["section", "raw", "value", "from", "unit", "comparator", "kind", "indicator", "verb", "commitment"]
    _print_table(
        columns,
        [
            (r.section_id.split(":")[1], r.raw, _number(r.value), _number(r.value_from), r.unit, r.comparator)
            + (r.kind, r.indicator, r.verb, r.commitment)
            for r in t
        ],
    )
    kinds = Counter(r.kind for r in t)
    print(f"-- {len(t)} quantities: {kinds['target']} targets, {kinds['actual']} actual")
    return 0


def cmd_plan_results(args) -> int:
    from analysis.corpus.plan_results import link

    plan, result = _one_file(args.plan), _one_file(args.result)
    from analysis.extract.targets import document_year

    year = args.year or document_year(plan.section_rows)
    if year is None:
        raise UserError(f"{args.plan}: no year in its title or date line; pass --year")
    links = link(plan.targets, result.targets, year)
    reported = links[links.met != "not reported"]
    if args.json:
        out = reported.drop(columns=["target_id", "actual_id", "indicator_similarity"])
        print(json.dumps({"year": year, "links": _records(out)}, ensure_ascii=False, indent=1))
        return 0
    columns = ["indicator", "target_comparator", "target_value", "target_unit", "actual_value", "met"]
    if len(reported):
        show = reported[columns].astype(object).where(reported[columns].notna(), None)
        numeric = {"target_value", "actual_value"}
        _print_table(columns, [[_number(v) if c in numeric else v for c, v in zip(columns, r)] for r in show.values])
    else:
        print("-- no target of the plan is reported on")
    counts = reported.met.value_counts()
    print(
        f"-- {len(links)} targets for {year}; {len(reported)} reported on "
        f"({int(counts.get('yes', 0))} met, {int(counts.get('no', 0))} not met, "
        f"{int(counts.get('unclear', 0))} unclear), "
        f"{len(links) - len(reported)} not reported"
    )
    return 0


def cmd_brief(args) -> int:
    from analysis.build import build
    from analysis.publish.brief import write_brief

    build(args.root, progress=not args.no_progress)
    ids = [d for d in (args.doc_ids or "").split(",") if d]
    files = write_brief(args.root, out=args.out, doc_ids=ids or None, lang=args.lang)
    print("wrote " + ", ".join(str(p) for p in files.values()))
    return 0


def cmd_report(args) -> int:
    from analysis.publish.report import run_report

    return run_report(
        args.root,
        out=args.out,
        only=args.only,
        workers=args.workers,
        progress=not args.no_progress,
        params=args.param,
    )


def cmd_build(args) -> int:
    from analysis.build import build, summary
    from analysis.executors import executor
    from analysis.store import Paths

    with executor(args.executor, args.workers) as ex:
        tables = build(args.root, workers=args.workers, progress=not args.no_progress, executor=ex)
    print(f"wrote {len(tables)} tables to {Paths(Path(args.root)).processed}")
    print(summary(tables, Paths(Path(args.root)).processed / "documents.csv"))
    return 0


_FLAGS = {
    "jurisdiction_zh": "--jurisdiction",
    "jurisdiction_en": "--jurisdiction-en",
    "title_zh": "--title",
    "publisher_zh": "--publisher",
    "province_zh": "--province",
    "doc_id": "--doc-id",
    "doc_number": "--doc-number",
    "issued_date": "--issued-date",
    "admin_level": "--admin-level",
    "year": "--year",
    "genre": "--genre",
    "period": "--period",
    "source_url": "--source-url",
}


def cmd_add(args) -> int:
    import pandas as pd

    from analysis import manifest as mf
    from analysis.ingest.fetch import fetch, is_url
    from analysis.ingest.metadata import suggest_metadata
    from analysis.store import Paths

    paths = Paths(Path(args.root))
    if args.doc_id is not None:
        mf.check_doc_id(args.doc_id)  # before anything is read or written
    if is_url(args.file):
        got = fetch(args.file)
        data, name, source = got.data, got.name, got.url
        fetched = {"source_url": got.url, "retrieved_at": got.retrieved_at}
    else:
        (data, name), source, fetched = _read_file(args.file), args.file, {}
    res = _process(data, "new", source)
    man = mf.load(paths.manifest, paths.raw) if paths.manifest.exists() else pd.DataFrame(columns=mf.COLUMNS)
    row = {f: getattr(args, flag[2:].replace("-", "_")) for f, flag in _FLAGS.items()}
    row = {k: v for k, v in row.items() if v} | fetched
    guesses = []
    for field, (value, src) in suggest_metadata(res.header, res.sections).items():
        if field not in row:
            row[field] = value
            guesses.append(f"guessed {field} = {value} (from the {src}); pass {_FLAGS[field]} to override")
    if "doc_id" not in row:
        row["doc_id"] = _slug(name)[: mf.DOC_ID_MAX].rstrip("-._")
        guesses.append(f"guessed doc_id = {row['doc_id']} (from the file name); pass --doc-id to override")
    if row.get("year") and "period" not in row:
        row["period"] = "annual"
    dest = paths.raw / f"{row['doc_id']}{Path(name).suffix or '.txt'}"
    row["file"] = dest.name
    for f in mf.REQUIRED:
        if not row.get(f):
            raise UserError(f"cannot add {source}: no {f} given and none found in its header block; pass {_FLAGS[f]}")
    if row["doc_id"] in set(man.doc_id):
        raise UserError(f"doc_id '{row['doc_id']}' is already in {paths.manifest}; pass another --doc-id")
    if dest.exists():
        raise UserError(f"{dest} already exists; not overwriting it (pass another --doc-id)")
    for g in guesses:
        log.info(g)
    paths.raw.mkdir(parents=True, exist_ok=True)
    with dest.open("xb") as fh:  # the bytes as read (or fetched); never over an existing file
        fh.write(data)
    mf.append_row(paths.manifest, row)
    print(f"added {row['doc_id']}: {dest} and a row in {paths.manifest}; run `minzheng build` to process it")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="minzheng", description="Comparative analytics of 民政 work plans.")
    p.add_argument("--version", action="version", version=f"minzheng {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="data/raw + data/manifest.csv -> data/processed tables")
    b.add_argument("--root", default=".", help="project folder holding data/ (default: .)")
    b.add_argument("--workers", type=int, default=None, help="processes for per-document stages (default: cores)")
    b.add_argument(
        "--executor",
        default="local",
        metavar="local|dask[=ADDRESS]",
        help="where new documents are processed: this machine (default), a Dask LocalCluster (dask), "
        "or a running Dask cluster (dask=tcp://host:8786; needs the [cluster] extra)",
    )
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)

    def one_file(name: str, help: str, key: str, func) -> None:
        p = sub.add_parser(name, help=help)
        p.add_argument("file")
        p.add_argument("--json", action="store_true", help=f'print {{"{key}": [...]}}')
        p.set_defaults(func=func)

    one_file("outline", "outline of any text file", "sections", cmd_outline)
    one_file("targets", "quantified targets of any text file", "targets", cmd_targets)
    one_file("themes", "theme of every section of any text file", "sections", cmd_themes)

    pr = sub.add_parser("plan-results", help="a plan's targets against the results a later document reports")
    pr.add_argument("plan", help="the plan (or report) whose targets are held to account")
    pr.add_argument("result", help="a later document of the same jurisdiction that reports results")
    pr.add_argument("--year", type=int, help="the plan's year (default: the year of its targets)")
    pr.add_argument("--json", action="store_true", help='print {"links": [...]}')
    pr.set_defaults(func=cmd_plan_results)

    r = sub.add_parser("report", help="run the notebooks and write HTML reports, figures and an index")
    r.add_argument("--root", default=".", help="project folder holding data/ and notebooks/ (default: .)")
    r.add_argument("--out", default=None, help="output folder (default: reports/<date>, and reports/latest)")
    r.add_argument(
        "--only",
        default=None,
        help="run one notebook: city_profile, cross_city, section_clusters or jurisdiction_timeline",
    )
    r.add_argument("--workers", type=int, default=None, help="notebooks run at once (default: 2)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="set a notebook parameter for every report that takes it (repeatable), e.g. lang=en, k=12",
    )
    r.set_defaults(func=cmd_report)

    br = sub.add_parser("brief", help="a Word briefing, a PowerPoint deck and an Excel workbook of the comparison")
    br.add_argument("--root", default=".", help="project folder holding data/ (default: .)")
    br.add_argument("--doc-ids", help="comma-separated documents to compare (default: all)")
    br.add_argument("--lang", default="zh", help="zh (default) or en")
    br.add_argument("--out", default=None, help="output folder (default: reports/brief-<date>)")
    br.add_argument("--no-progress", action="store_true", help="no progress bar")
    br.set_defaults(func=cmd_brief)

    a = sub.add_parser("add", help="copy a document into data/raw and add its manifest row")
    a.add_argument("file", help="a text, .html, .docx or .pdf file, or the http(s) URL of a page or attachment")
    a.add_argument("--root", default=".", help="project folder holding data/ (default: .)")
    a.add_argument("--doc-id", help="id such as changsha-2020 (default: from the file name)")
    a.add_argument("--jurisdiction", help="jurisdiction in Chinese, e.g. 武汉市")
    a.add_argument("--jurisdiction-en", help="jurisdiction in English, e.g. Wuhan")
    a.add_argument("--year")
    a.add_argument("--genre", help="work_plan, progress_report, government_work_report …")
    a.add_argument("--period", help="annual (default), 2018Q1 …")
    a.add_argument("--title")
    a.add_argument("--publisher")
    a.add_argument("--doc-number")
    a.add_argument("--issued-date")
    a.add_argument("--admin-level")
    a.add_argument("--province")
    a.add_argument("--source-url", help="where the document was published (filled in when FILE is a URL)")
    a.set_defaults(func=cmd_add)
    return p


class _Format(logging.Formatter):
    """``minzheng: warning: …`` for warnings and errors, the bare message for notes."""

    def format(self, record: logging.LogRecord) -> str:
        msg = record.getMessage()
        return f"minzheng: {record.levelname.lower()}: {msg}" if record.levelno >= logging.WARNING else msg


def _setup_logging() -> None:
    if not any(getattr(h, "_minzheng", False) for h in log.handlers):
        h = logging.StreamHandler(sys.stderr)
        h.setFormatter(_Format())
        h._minzheng = True
        log.addHandler(h)
    log.setLevel(logging.INFO)
    log.propagate = False


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit codes are those of :mod:`analysis.errors`."""
    args = _parser().parse_args(argv)
    _setup_logging()
    try:
        return args.func(args)
    except UserError as exc:
        print(f"minzheng: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("minzheng: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if os.environ.get("MINZHENG_DEBUG"):
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(
            f"minzheng: internal error: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno}; "
            "MINZHENG_DEBUG=1 shows the traceback; please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> None:
    """The console script (and ``python -m analysis``): :func:`main`, then exit."""
    code = main()
    # At exit Python runs the cyclic collector over every object still alive, about a
    # million after a build (pandas, scipy, scikit-learn), and finds nothing: a quarter of a
    # second of a rebuild. Everything is written by now, so the objects are frozen instead.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()

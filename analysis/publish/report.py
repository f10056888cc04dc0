"""``minzheng report``: run every notebook for its parameter sets and publish HTML reports.

Load inputs (build the tables if stale; the build is cached) / process (convert each percent
script to .ipynb with jupytext, execute it with papermill in the ``minzheng`` kernel, one
run per parameter set) / save outputs (executed notebooks, HTML without code, figures as PNG
and SVG, ``index.html`` and ``run.json``) under ``reports/<date>/`` and ``reports/latest``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from tqdm import tqdm

from analysis.build import build, code_fingerprint
from analysis.errors import EXIT_FAILED, EXIT_OK, UserError, log
from analysis.params import Interval, progress_off, validate_params
from analysis.publish.fonts import font_path

__all__ = ["NOTEBOOKS", "KERNEL", "Job", "jobs_for", "ensure_kernel", "run_report"]

NOTEBOOKS = ["city_profile", "cross_city", "section_clusters", "jurisdiction_timeline"]
KERNEL = "minzheng"
#: Seconds a single notebook cell may run before papermill stops it.
CELL_TIMEOUT = 600
_PACKAGES = [
    "minzheng",
    "pandas",
    "pyarrow",
    "jieba",
    "scikit-learn",
    "matplotlib",
    "mplfonts",
    "papermill",
    "nbconvert",
    "jupytext",
    "ipykernel",
    "cn2an",
    "charset-normalizer",
    "tqdm",
]


@dataclass
class Job:
    """One notebook run."""

    notebook: str
    parameters: dict
    name: str
    status: str = "pending"
    seconds: float = 0.0
    error: str = ""
    figures: list[str] = field(default_factory=list)


def jobs_for(doc_ids: list[str], only: str | None = None, timelines: list[str] | None = None) -> list[Job]:
    """Parameter sets: one city profile per document, one cross-city comparison, one
    clustering, and one timeline per jurisdiction in ``timelines`` (those with documents of
    two years or more)."""
    jobs = [Job("city_profile", {"doc_id": d}, f"city_profile-{d}") for d in doc_ids]
    jobs += [
        Job("cross_city", {"doc_ids": [], "themes": []}, "cross_city"),
        Job("section_clusters", {"k": 0, "min_df": 2, "seed": 0}, "section_clusters"),
    ]
    jobs += [
        Job("jurisdiction_timeline", {"jurisdiction": j}, f"jurisdiction_timeline-{k + 1}")
        for k, j in enumerate(timelines or [])
    ]
    if only:
        if only not in NOTEBOOKS:
            raise UserError(f"no notebook '{only}': choose one of {', '.join(NOTEBOOKS)}")
        jobs = [j for j in jobs if j.notebook == only]
    return jobs


def ensure_kernel() -> None:
    """Install the ``minzheng`` kernel into this environment (idempotent)."""
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="minzheng (.venv)", prefix=sys.prefix)


def _to_ipynb(script: Path, dest: Path) -> None:
    import jupytext

    nb = jupytext.read(script)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "minzheng (.venv)", "language": "python"}
    jupytext.write(nb, dest)


def _to_html(ipynb: Path, dest: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(ipynb, as_version=4))
    dest.write_text(body, encoding="utf-8")


#: Parameters the report sets itself.
_RESERVED = {"root", "figures_dir"}


def _typed(value: str, type_name: str, name: str):
    """``value`` read as the type of the parameter's default (int, float, bool, list, str)."""
    try:
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "bool":
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return value.lower() in ("true", "1", "yes")
        if type_name == "list":
            v = json.loads(value) if value.strip().startswith("[") else [x for x in value.split(",") if x]
            if not isinstance(v, list):
                raise ValueError(value)
            return v
    except ValueError:
        raise UserError(f"--param {name}={value}: not a valid {type_name}") from None
    return value


def _apply_params(jobs: list[Job], sources: dict[str, Path], params: list[str]) -> None:
    """Set ``name=value`` on every job whose notebook has that parameter, typed and checked
    against the notebook's parameters cell.

    Raises:
        UserError: a malformed pair, a parameter no notebook has, or a value of the wrong type.
    """
    if not params:
        return
    import papermill

    declared = {nb: papermill.inspect_notebook(str(src)) for nb, src in sources.items()}
    for pair in params:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UserError(f"--param {pair!r}: write it as name=value")
        owners = [nb for nb, ps in declared.items() if name in ps]
        if name in _RESERVED or not owners:
            known = sorted({p for ps in declared.values() for p in ps} - _RESERVED)
            raise UserError(f"--param {name}: no report notebook takes it; parameters: {', '.join(known)}")
        for nb in owners:
            typed = _typed(value, declared[nb][name]["inferred_type_name"], name)
            for j in jobs:
                if j.notebook == nb:
                    j.parameters[name] = typed


def _execute(job: Job, src: Path, out: Path, root: Path) -> Job:
    params = dict(job.parameters, root=str(root), figures_dir=str(out / "figures"))
    nb_out = out / "notebooks" / f"{job.name}.ipynb"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(src),
            str(nb_out),
            "-y",
            json.dumps(params, ensure_ascii=False),
            "-k",
            KERNEL,
            "--cwd",
            str(root / "notebooks"),
            "--execution-timeout",
            str(CELL_TIMEOUT),
            "--no-progress-bar",
            "--log-level",
            "WARNING",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning"),
    )
    job.seconds = round(time.perf_counter() - t0, 2)
    job.status = "ok" if proc.returncode == 0 else "failed"
    if proc.returncode:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        job.error = next((ln for ln in reversed(lines) if "Error" in ln), lines[-1] if lines else "papermill failed")[
            :300
        ]
    if nb_out.exists():
        _to_html(nb_out, out / f"{job.name}.html")
    prefix = job.name if job.notebook != "section_clusters" else "section_clusters-"
    job.figures = sorted(p.name for p in (out / "figures").glob(f"{prefix}*.png"))
    return job


_FONT_CSS = """<style>
@font-face { font-family: "minzheng-cjk"; src: url("assets/cjk-subset.otf") format("opentype");
  font-weight: 100 900; unicode-range: U+2E80-2FFF, U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF; }
body, table, h1, h2, h3, h4, .jp-RenderedHTMLCommon, .jp-RenderedHTMLCommon * {
  font-family: "minzheng-cjk", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { text-align: left; }
</style>"""


def _embed_cjk_font(out: Path) -> None:
    """Ship the glyphs the pages use, so no reader sees empty boxes for Chinese text.

    The pages fall back to a subset of Noto Sans CJK SC (from mplfonts) cut to the characters
    that occur in them (fontTools, already installed with matplotlib), a few hundred KB.
    """
    from fontTools import subset

    pages = sorted(out.glob("*.html"))
    chars = set().union(*(set(p.read_text(encoding="utf-8")) for p in pages)) if pages else set()
    (out / "assets").mkdir(exist_ok=True)
    opts = subset.Options()
    opts.layout_features = ["*"]
    sub = subset.Subsetter(opts)
    f = subset.load_font(str(font_path()), opts)
    sub.populate(text="".join(sorted(c for c in chars if c.isprintable())))
    sub.subset(f)
    subset.save_font(f, str(out / "assets" / "cjk-subset.otf"), opts)
    for p in pages:
        text = p.read_text(encoding="utf-8")
        if "minzheng-cjk" not in text:
            p.write_text(text.replace("</head>", _FONT_CSS + "\n</head>", 1), encoding="utf-8")


def _index(out: Path, jobs: list[Job], started: str, seconds: float) -> None:
    """``index.html``: every report with its parameters, status and run time, in the run's
    language (the ``lang`` parameter, Chinese by default)."""
    from analysis.publish.labels import text

    lang = next((j.parameters["lang"] for j in jobs if j.parameters.get("lang") in ("zh", "en")), "zh")
    rows = []
    for j in jobs:
        params = ", ".join(f"{k}={v}" for k, v in j.parameters.items())
        status = (
            text("index.ok", lang)
            if j.status == "ok"
            else f"{text('index.failed', lang)}: {html.escape(j.status)}: {html.escape(j.error)}"
        )
        link = f'<a href="{j.name}.html">{j.name}</a>' if (out / f"{j.name}.html").exists() else j.name
        rows.append(
            f"<tr class='{j.status}'><td>{link}</td><td><code>{html.escape(params)}</code></td>"
            f"<td>{status}</td><td>{j.seconds:.1f} s</td><td>{len(j.figures)}</td>"
            f"<td><a href='notebooks/{j.name}.ipynb'>ipynb</a></td></tr>"
        )
    failed = sum(j.status != "ok" for j in jobs)
    title = text("index.title", lang)
    summary = text(
        "index.summary", lang, started=html.escape(started), seconds=f"{seconds:.0f}", n=len(jobs), failed=failed
    )
    headers = "".join(f"<th>{h}</th>" for h in text("index.headers", lang).split("|"))
    page = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} {started[:10]}</title>
<style>body{{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;max-width:70em}}
table{{border-collapse:collapse}}td,th{{padding:.35em .8em;border-bottom:1px solid #ddd;text-align:left}}
tr.failed td{{color:#b00}}code{{font-size:.9em}}</style></head><body>
<h1>{title}</h1>
<p>{summary}</p>
<table><tr>{headers}</tr>
{"".join(rows)}</table></body></html>"""
    (out / "index.html").write_text(page, encoding="utf-8")


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


@validate_params(only=[set(NOTEBOOKS), None], workers=[Interval(1, None, integer=True), None])
def run_report(
    root: Path | str = ".",
    out: Path | str | None = None,
    only: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    params: list[str] | None = None,
) -> int:
    """Build if needed, run the notebooks, write the reports. Returns the exit code:
    0 when every notebook ran, 1 when any failed (the others still run and are published)."""
    root = Path(root).resolve()
    started = dt.datetime.now().isoformat(timespec="seconds")
    t0 = time.perf_counter()
    tables = build(root, progress=progress)
    docs = tables["documents"]
    years = docs.groupby("jurisdiction_zh").year.nunique()
    jobs = jobs_for(docs.doc_id.tolist(), only, sorted(years[years > 1].index))
    default = out is None
    out = (root / "reports" / started[:10]) if default else Path(out).resolve()
    for sub in ("notebooks", "figures", "src"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    ensure_kernel()
    sources = {}
    for name in {j.notebook for j in jobs}:
        script = root / "notebooks" / f"{name}.py"
        if not script.exists():
            raise UserError(f"{script} is missing: the notebooks folder of the project is incomplete")
        sources[name] = out / "src" / f"{name}.ipynb"
        _to_ipynb(script, sources[name])
    _apply_params(jobs, sources, params or [])
    workers = workers or min(2, os.cpu_count() or 1)
    bar = tqdm(total=len(jobs), desc="reports", unit="nb", disable=progress_off(progress))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_execute, j, sources[j.notebook], out, root) for j in jobs]
        for f in as_completed(futures):
            j = f.result()
            bar.set_postfix_str(f"{j.name} {j.status}")
            bar.update()
    bar.close()
    seconds = time.perf_counter() - t0
    _index(out, jobs, started, seconds)
    _embed_cjk_font(out)
    run = {
        "started": started,
        "seconds": round(seconds, 1),
        "root": str(root),
        "code_fingerprint": code_fingerprint(),
        "inputs": dict(zip(docs.doc_id, docs.source_sha256)),
        "packages": _versions(),
        "reports": [asdict(j) for j in jobs],
    }
    (out / "run.json").write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")
    if default:
        latest = root / "reports" / "latest"
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(out.name)
    failed = [j for j in jobs if j.status != "ok"]
    print(
        f"wrote {len(jobs) - len(failed)} of {len(jobs)} reports and "
        f"{len(list((out / 'figures').glob('*.png')))} charts to {out} ({seconds:.0f} s); open {out / 'index.html'}"
    )
    for j in failed:
        log.error("report %s failed: %s", j.name, j.error)
    return EXIT_FAILED if failed else EXIT_OK

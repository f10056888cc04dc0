"""``make bench``: the pipeline's cost against jieba itself, on a synthetic corpus.

Prints a result table; the last line is one JSON object with docs, mb, workers, engine,
jieba_s, build_serial_s, build_s, incremental_s, peak_rss_mb and the start-up times
(help_s, and outline_s, targets_s, themes_s on the largest seed). ``--stages`` runs the per-stage
profile on the seed corpus instead.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import psutil

from analysis.corpus.segment import engine_name, tokenizer
from analysis.store import Paths
from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parents[1]


def _texts(root: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(Paths(root).raw.glob("*.txt"))]


def jieba_seconds(texts: list[str], cpu: list | None = None) -> float:
    """Plain ``lcut`` of every document, same dictionary and user dictionary as the pipeline.

    Returns wall seconds; appends the CPU seconds to ``cpu`` when given.
    """
    tk = tokenizer()  # loading the dictionary is not timed
    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        tk.lcut(t)
    if cpu is not None:
        cpu.append(time.process_time() - c0)
    return time.perf_counter() - t0


def timed_build(root: Path, workers: int, cpu: list | None = None) -> tuple[float, float]:
    """Wall time of ``minzheng build`` and the peak RSS (MB) of its whole process tree;
    appends the CPU seconds of the tree to ``cpu`` when given."""
    cmd = [sys.executable, "-m", "analysis", "build", "--root", str(root), "--no-progress", "--workers", str(workers)]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def watch():
        p = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                peak[0] = max(peak[0], rss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    _, err = proc.communicate()
    th.join()
    if proc.returncode:
        raise SystemExit(f"build failed: {err.strip().splitlines()[-1] if err.strip() else proc.returncode}")
    wall = time.perf_counter() - t0
    if cpu is not None:
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    return wall, peak[0] / 2**20


def startup(repeat: int = 3) -> dict:
    """Wall seconds (best of ``repeat``) of ``minzheng --help`` and of each single-file
    command on the largest seed document, as a user starts them: a new interpreter each time."""
    seed = max(Paths(ROOT).raw.glob("*.txt"), key=lambda p: p.stat().st_size)
    commands = {"help_s": ["--help"]} | {f"{c}_s": [c, str(seed)] for c in ("outline", "targets", "themes")}
    out = {}
    for name, args in commands.items():
        best = math.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "analysis", *args], check=True, stdout=subprocess.DEVNULL)
            best = min(best, time.perf_counter() - t0)
        out[name] = round(best, 3)
    return out


def run(n: int, workers: int, keep: bool) -> dict:
    out = ROOT / "benchmarks" / "out" / f"corpus-{n}"
    if not (Paths(out).manifest.exists() and len(list(Paths(out).raw.glob("*.txt"))) == n):
        shutil.rmtree(out, ignore_errors=True)
        generate(out, n, seed=0, source=ROOT)
    texts = _texts(out)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    # this machine's speed drifts by up to a fifth between minutes, so jieba and the serial
    # build are each timed twice, taking turns, and each keeps its faster run (as timeit
    # does). CPU seconds, which a busy neighbour on the host does not inflate, are kept too.
    jcpu, bcpu, jruns, sruns, rss1 = [], [], [], [], 0.0
    for _ in range(2):
        jruns.append(jieba_seconds(texts, jcpu))
        shutil.rmtree(Paths(out).processed, ignore_errors=True)
        wall, rss = timed_build(out, 1, bcpu)
        sruns.append(wall)
        rss1 = max(rss1, rss)
    serial = min(sruns)
    results = {
        "docs": n,
        "mb": round(mb, 2),
        "workers": workers,
        "engine": engine_name(),
        "jieba_s": round(min(jruns), 2),
        "jieba_runs_s": [round(t, 2) for t in jruns],
        "build_serial_runs_s": [round(t, 2) for t in sruns],
        "jieba_cpu_s": round(min(jcpu), 2),
        "build_serial_cpu_s": round(min(bcpu), 2),
    }
    shutil.rmtree(Paths(out).processed, ignore_errors=True)
    par, rss2 = timed_build(out, workers)
    # one new document: a copy of the first, slightly changed, with its manifest row
    first = sorted(Paths(out).raw.glob("*.txt"))[0]
    new = Paths(out).raw / "added-00000.txt"
    new.write_text(first.read_text(encoding="utf-8") + "\n附:新增一段说明。\n", encoding="utf-8")
    with Paths(out).manifest.open("a", encoding="utf-8") as fh:
        fh.write(
            "added-00000,added-00000.txt,新增市,Added,,,2025,annual,work_plan,,,,,benchmark incremental document\n"
        )
    try:
        inc, rss3 = timed_build(out, workers)
    finally:
        new.unlink()
        lines = Paths(out).manifest.read_text(encoding="utf-8").splitlines(keepends=True)
        Paths(out).manifest.write_text("".join(lines[:-1]), encoding="utf-8")
    results.update(
        build_serial_s=round(serial, 2),
        build_s=round(par, 2),
        incremental_s=round(inc, 2),
        peak_rss_mb=round(max(rss1, rss2, rss3), 1),
        **startup(),
    )
    if not keep:
        shutil.rmtree(Paths(out).processed, ignore_errors=True)
    return results


def stages() -> None:
    """Per-stage time on the seed corpus, as a multiple of plain jieba on the same text."""
    import analysis.pipeline as P
    from analysis.corpus import analyze as corpus

    data = [p.read_bytes() for p in sorted(Paths(ROOT).raw.glob("*.txt"))]
    texts = [d.decode("utf-8") for d in data]
    P.process(data[0], "warm", "warm")
    spent: dict[str, float] = defaultdict(float)
    for name in (
        "decode_bytes",
        "scan",
        "parse",
        "cut_spans",
        "classify_records",
        "extract_records",
        "lost_measure_words",
        "content_terms",
        "issue_records",
    ):
        f = getattr(P, name)

        def timed(*a, _f=f, _n=name, **k):
            t = time.perf_counter()
            r = _f(*a, **k)
            spent[_n] += time.perf_counter() - t
            return r

        setattr(P, name, timed)
    reps = 10
    j = jieba_seconds(texts * reps)
    t0 = time.perf_counter()
    results = [P.process(d, f"d{i}-{r}", "x", "work_plan") for r in range(reps) for i, d in enumerate(data)]
    total = time.perf_counter() - t0
    corpus.prepare_analysis()  # scikit-learn's import is not a cost of the stage
    t1 = time.perf_counter()
    corpus.analyze(corpus.SectionCounts.of(results[: len(data)]))
    corpus_s = (time.perf_counter() - t1) * reps
    print(f"{'stage':22}{'x jieba':>9}")
    for k, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{k:22}{v / j:9.2f}")
    print(f"{'per-document total':22}{total / j:9.2f}")
    print(f"{'corpus stage (5 docs)':22}{corpus_s / j:9.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--docs", type=int, default=int(os.environ.get("BENCH_DOCS", 2000)))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", action="store_true", help="keep the built tables of the synthetic corpus")
    ap.add_argument("--stages", action="store_true", help="per-stage profile on the seed corpus")
    ap.add_argument("--memory-only", action="store_true", help="only jieba and one default build: for large N")
    a = ap.parse_args()
    if a.stages:
        stages()
        return
    if a.memory_only:
        out = ROOT / "benchmarks" / "out" / f"corpus-{a.docs}"
        if not (Paths(out).manifest.exists() and len(list(Paths(out).raw.glob("*.txt"))) == a.docs):
            shutil.rmtree(out, ignore_errors=True)
            generate(out, a.docs, seed=0, source=ROOT)
        texts = _texts(out)
        j = jieba_seconds(texts)
        del texts
        shutil.rmtree(Paths(out).processed, ignore_errors=True)
        b, rss = timed_build(out, a.workers)
        print(
            json.dumps(
                {
                    "docs": a.docs,
                    "workers": a.workers,
                    "jieba_s": round(j, 2),
                    "build_s": round(b, 2),
                    "peak_rss_mb": round(rss, 1),
                }
            )
        )
        return
    r = run(a.docs, a.workers, a.keep)
    print(
        f"{'docs':>6} {'MB':>6} {'workers':>7} {'jieba_s':>8} {'serial_s':>9} {'build_s':>8} "
        f"{'incr_s':>7} {'rss_MB':>7}"
    )
    print(
        f"{r['docs']:>6} {r['mb']:>6} {r['workers']:>7} {r['jieba_s']:>8} {r['build_serial_s']:>9} {r['build_s']:>8} "
        f"{r['incremental_s']:>7} {r['peak_rss_mb']:>7}"
    )
    print(
        f"jieba / serial = {r['jieba_s'] / r['build_serial_s']:.2f} (target >= 1.5, engine {r['engine']}; "
        f"in CPU seconds {r['jieba_cpu_s'] / r['build_serial_cpu_s']:.2f}); "
        f"incremental / build = {r['incremental_s'] / r['build_s']:.1%} (target <= 10%)"
    )
    print(
        f"start-up: --help {r['help_s']} s (target <= 0.3); outline {r['outline_s']} s, targets {r['targets_s']} s, "
        f"themes {r['themes_s']} s on the largest seed (target <= 1)"
    )
    print(json.dumps(r))


if __name__ == "__main__":
    main()

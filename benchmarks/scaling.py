"""``make bench`` (first part): the per-document stages take time in proportion to size.

Two kinds of pathological input that once took quadratic time are generated at growing
sizes and run through :func:`analysis.pipeline.process`:

- one section of 0.25–5 MB packed with quantities (every quantity once rescanned the
  section from its start);
- a document of 1,000–5,000 numbered parts (each unnumbered paragraph once scanned every
  paragraph after it, and each new part every part before it).

Prints seconds and seconds per MB (or per 1,000 parts): roughly constant means linear.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

import cn2an

from analysis.corpus.segment import tokenizer
from analysis.pipeline import process

_SENTENCE = "新增养老床位2000张,城乡低保标准提高5%,建成社区服务站30个。"


def one_section(mb: float) -> bytes:
    """A part heading, an item heading and one body of about ``mb`` megabytes."""
    n = int(mb * 2**20 / len(_SENTENCE.encode()))
    return ("一、养老服务\n(一)加强养老服务。" + _SENTENCE * n + "\n").encode()


def many_parts(n: int) -> bytes:
    """``n`` parts numbered 一、 二、 … each with a one-line body."""
    return "\n".join(f"{cn2an.an2cn(i)}、第{i}部分工作\n推进相关工作。" for i in range(1, n + 1)).encode()


def _time(data: bytes) -> float:
    t0 = time.perf_counter()
    process(data, "bench")
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[0.25, 0.5, 1, 2, 5], help="section sizes in MB")
    ap.add_argument("--parts", type=int, nargs="+", default=[1000, 2000, 5000], help="numbers of parts")
    args = ap.parse_args(argv)
    tokenizer()  # the dictionary load is not timed
    out = {"section": [], "parts": []}
    print(f"{'one section':<14} {'MB':>6} {'s':>8} {'s/MB':>8}")
    for mb in args.mb:
        data = one_section(mb)
        s = _time(data)
        size = len(data) / 2**20
        out["section"].append({"mb": round(size, 2), "s": round(s, 2), "s_per_mb": round(s / size, 2)})
        print(f"{'':<14} {size:>6.2f} {s:>8.2f} {s / size:>8.2f}")
    print(f"{'numbered parts':<14} {'parts':>6} {'s':>8} {'s/1000':>8}")
    for n in args.parts:
        s = _time(many_parts(n))
        out["parts"].append({"parts": n, "s": round(s, 2), "s_per_1000": round(s / n * 1000, 2)})
        print(f"{'':<14} {n:>6} {s:>8.2f} {s / n * 1000:>8.2f}")
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()

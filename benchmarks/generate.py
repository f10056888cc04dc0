"""A seeded synthetic corpus of N documents built from the real sections of the seeds.

Each document takes a title line, a preamble and 4–10 parts, each with 2–7 items, drawn at
random from the parts and items of the seed documents, and renumbers them in one of the
outline styles the parser must handle (一、 with (一), 1., 一是 or unnumbered lead
sentences; item numbers continuing or restarting), so the benchmark exercises the same code
paths as real documents at a realistic size (about 7,000 characters each).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from analysis.pipeline import process
from analysis.store import Paths

__all__ = ["seed_pools", "generate"]

CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + CN[n - 11]
    return CN[n // 10 - 1] + "十" + (CN[n % 10 - 1] if n % 10 else "")


def seed_pools(root: Path) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Preambles, part titles and (item title, item body) pairs of the seed documents."""
    paths = Paths(root)
    preambles, parts, items = [], [], []
    for f in sorted(paths.raw.glob("*.txt")):
        res = process(f.read_bytes(), f.stem, f.name)
        for r in res.section_rows:
            body = r.text.split("\n", 1)
            first = body[0]
            rest = body[1] if len(body) > 1 else ""
            if r.level == 0:
                preambles.append(r.text.split("\n")[-1])
            elif r.level == 1:
                parts.append(r.title)
            elif r.level == 2 and r.title:
                i = first.find(r.title)
                tail = first[i + len(r.title) :].lstrip("。") if i >= 0 else first
                items.append((r.title, (tail + ("\n" + rest if rest else "")).strip()))
    return preambles, parts, items


def _document(rng: random.Random, i: int, pools) -> tuple[str, dict]:
    preambles, parts, items = pools
    year = rng.randint(2010, 2024)
    city = f"第{i + 1}市"
    style = rng.choice(["paren", "arabic", "shi", "lead"])
    restart = rng.random() < 0.5
    lines = [f"{city}{year}年民政工作要点", "", rng.choice(preambles), ""]
    n = 0
    for p in range(1, rng.randint(4, 10) + 1):
        lines.append(f"{_cn(p)}、{rng.choice(parts)}")
        if restart:
            n = 0
        for _ in range(rng.randint(2, 7)):
            n += 1
            title, body = rng.choice(items)
            label = {"paren": f"({_cn(n)})", "arabic": f"{n}.", "shi": f"{_cn(min(n, 99))}是", "lead": ""}[style]
            if style == "shi" and n > 10:
                label = f"{n}."  # 一是 lists never run past 十是 in practice
            lines.append(f"{label}{title}。{body}")
        lines.append("")
    row = dict(
        doc_id=f"synth-{i:05d}",
        file=f"synth-{i:05d}.txt",
        jurisdiction_zh=city,
        jurisdiction_en=f"City {i + 1}",
        admin_level="prefecture-level city",
        province_zh="",
        year=str(year),
        period="annual",
        genre="work_plan",
        title_zh=f"{city}{year}年民政工作要点",
        publisher_zh=f"{city}民政局",
        doc_number="",
        issued_date="",
        notes="synthetic (benchmarks/generate.py)",
    )
    return "\n".join(lines) + "\n", row


def generate(out: Path, n: int = 2000, seed: int = 0, source: Path = Path(".")) -> Path:
    """Write ``n`` documents to ``out/data/raw`` and their manifest; return ``out``."""
    rng = random.Random(seed)
    pools = seed_pools(source)
    paths = Paths(out)
    paths.raw.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        text, row = _document(rng, i, pools)
        (paths.raw / row["file"]).write_text(text, encoding="utf-8")
        rows.append(row)
    with paths.manifest.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    generate(a.out, a.n, a.seed)
    print(f"wrote {a.n} documents to {a.out}")

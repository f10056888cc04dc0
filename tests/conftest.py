import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.pipeline import process

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"
RAW = ROOT / "data" / "raw"
SEEDS = ["wuhan-2018", "suqian-2018q1", "jingdezhen-2021", "tianjin-2012", "jiangsu-2014"]


@pytest.fixture(scope="session")
def gold_outline() -> dict:
    return json.loads((GOLD / "outline.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_results() -> dict:
    """Each seed document run through the per-document pipeline once."""
    man = pd.read_csv(ROOT / "data" / "manifest.csv", dtype=str).set_index("doc_id")
    return {d: process((RAW / f"{d}.txt").read_bytes(), d, d, man.genre[d]) for d in SEEDS}


@pytest.fixture(scope="session")
def seed_sections(seed_results) -> pd.DataFrame:
    return pd.concat([r.sections for r in seed_results.values()], ignore_index=True)


SNAP_DIR = ROOT / "tests" / "snapshots"

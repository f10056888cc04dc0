"""Build at scale: the process pool gives the same tables, and the cache re-parses only
what changed. Uses a small synthetic corpus from benchmarks/generate.py."""

import pandas as pd
import pytest

from analysis import build as B
from analysis.schema import TABLES
from benchmarks.generate import generate
from conftest import ROOT


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("synth"), n=12, seed=1, source=ROOT)


def tables_of(root):
    return {t: pd.read_parquet(B.Paths(root).processed / f"{t}.parquet") for t in TABLES
            if (B.Paths(root).processed / f"{t}.parquet").exists()}


def test_parallel_build_equals_serial(synthetic, monkeypatch):
    import shutil

    shutil.rmtree(B.Paths(synthetic).processed, ignore_errors=True)
    B.build(synthetic, workers=1, progress=False)
    serial = tables_of(synthetic)
    shutil.rmtree(B.Paths(synthetic).processed)
    monkeypatch.setattr(B, "POOL_MIN_DOCS", 2)  # make sure the pool is used
    B.build(synthetic, workers=2, progress=False)
    parallel = tables_of(synthetic)
    assert set(serial) == set(parallel) and len(serial) >= 9
    for t in serial:
        pd.testing.assert_frame_equal(serial[t], parallel[t], obj=t)
    assert serial["documents"].n_items.min() > 0


def test_unchanged_documents_come_from_the_cache(synthetic, monkeypatch):
    B.build(synthetic, workers=1, progress=False)
    calls = []
    real = B._run
    monkeypatch.setattr(B, "_run", lambda job: calls.append(job[1]) or real(job))
    B.build(synthetic, workers=1, progress=False)
    assert calls == []  # nothing re-parsed
    f = sorted(B.Paths(synthetic).raw.glob("*.txt"))[3]
    f.write_text(f.read_text(encoding="utf-8") + "\n附:补充说明。\n", encoding="utf-8")
    B.build(synthetic, workers=1, progress=False)
    assert calls == [f.stem]  # only the changed one


def test_a_cached_result_loads_back_equal(seed_results):
    """pickle(DocResult) stores rows as plain tuples and terms as one string per section;
    loading gives back the same row types, rows and term lists."""
    import pickle

    for res in seed_results.values():
        back = pickle.loads(pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL))
        for f in ("section_rows", "target_rows", "theme_rows", "issue_rows"):
            assert getattr(back, f) == getattr(res, f)
            assert [type(r) for r in getattr(back, f)] == [type(r) for r in getattr(res, f)]
        assert back.terms == res.terms and any(back.terms.values())
        pd.testing.assert_frame_equal(back.sections, res.sections)


def test_build_summary_of_a_large_corpus_lists_the_worst_documents(synthetic, monkeypatch, capsys):
    """Above SUMMARY_ROWS documents, `minzheng build` prints corpus totals and the documents
    with most quality issues, worst first, instead of one line per document."""
    from analysis import cli

    monkeypatch.setattr(cli, "SUMMARY_ROWS", 3)
    assert cli.main(["build", "--root", str(synthetic), "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    docs = pd.read_parquet(B.Paths(synthetic).processed / "documents.parquet")
    assert out[1].startswith(f"{len(docs)} documents, {docs.n_items.sum()} items")
    listed = [line.split()[0] for line in out[4:]]
    assert listed == docs.sort_values("n_quality_issues", ascending=False, kind="stable").doc_id.head(3).tolist()


def test_a_new_document_beside_a_large_cache_goes_to_a_worker(synthetic, monkeypatch, tmp_path):
    """With OVERLAP_MIN_CACHED cached documents, one changed document is processed in the
    pool while the cache loads; the tables equal those of a serial build from scratch."""
    import shutil

    B.build(synthetic, workers=1, progress=False)
    f = sorted(B.Paths(synthetic).raw.glob("*.txt"))[5]
    f.write_text(f.read_text(encoding="utf-8") + "\n附:新增养老床位20张。\n", encoding="utf-8")
    monkeypatch.setattr(B, "OVERLAP_MIN_CACHED", 3)
    pools = []
    real = B.ProcessPoolExecutor
    monkeypatch.setattr(B, "ProcessPoolExecutor", lambda **kw: pools.append(kw) or real(**kw))
    B.build(synthetic, workers=2, progress=False)
    assert pools == [{"max_workers": 1}]
    overlapped = tables_of(synthetic)
    shutil.rmtree(B.Paths(synthetic).processed)
    B.build(synthetic, workers=1, progress=False)
    for t, df in tables_of(synthetic).items():
        pd.testing.assert_frame_equal(overlapped[t], df, obj=t)

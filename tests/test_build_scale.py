"""Build at scale: the process pool gives the same tables, and the cache re-parses only
what changed. Uses a small synthetic corpus from benchmarks/generate.py."""

import pandas as pd
import pytest
from conftest import ROOT

from analysis import build as B
from analysis.schema import TABLES
from analysis.store import Paths
from benchmarks.generate import generate


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("synth"), n=12, seed=1, source=ROOT)


def tables_of(root):
    return {
        t: pd.read_parquet(Paths(root).processed / f"{t}.parquet")
        for t in TABLES
        if (Paths(root).processed / f"{t}.parquet").exists()
    }


def assert_as_built_from_scratch(root):
    """The tables under root equal those of a serial build from scratch."""
    import shutil

    built = tables_of(root)
    shutil.rmtree(Paths(root).processed)
    B.build(root, workers=1, progress=False)
    fresh = tables_of(root)
    assert set(built) == set(fresh)
    for t, df in fresh.items():
        pd.testing.assert_frame_equal(built[t], df, obj=t)


def test_parallel_build_equals_serial(synthetic, monkeypatch):
    import shutil

    shutil.rmtree(Paths(synthetic).processed, ignore_errors=True)
    B.build(synthetic, workers=1, progress=False)
    serial = tables_of(synthetic)
    shutil.rmtree(Paths(synthetic).processed)
    monkeypatch.setattr(B, "POOL_MIN_DOCS", 2)  # make sure the pool is used
    B.build(synthetic, workers=2, progress=False)
    parallel = tables_of(synthetic)
    assert set(serial) == set(parallel) and len(serial) >= 9
    for t in serial:
        pd.testing.assert_frame_equal(serial[t], parallel[t], obj=t)
    assert serial["documents"].n_items.min() > 0


def test_build_on_a_dask_local_cluster_equals_serial(synthetic, monkeypatch):
    """`--executor dask`: the per-document stage on a LocalCluster of 2 worker processes, in
    chunks of 2 documents, gives the tables of a serial build, and the cache written by this
    process serves the next build (nothing is processed again)."""
    import shutil

    from analysis.executors import executor

    shutil.rmtree(Paths(synthetic).processed, ignore_errors=True)
    B.build(synthetic, workers=1, progress=False)
    serial = tables_of(synthetic)
    shutil.rmtree(Paths(synthetic).processed)
    monkeypatch.setattr(B, "MAX_CHUNK", 2)
    with executor("dask", workers=2) as ex:
        assert type(ex).__module__.startswith("distributed")
        B.build(synthetic, workers=2, progress=False, executor=ex)
    clustered = tables_of(synthetic)
    for t in serial:
        pd.testing.assert_frame_equal(serial[t], clustered[t], obj=t)
    calls = []
    monkeypatch.setattr(B, "_run", lambda job: calls.append(job[1]))
    (Paths(synthetic).processed / "sections.parquet").unlink()  # the previous build is not reused...
    B.build(synthetic, workers=1, progress=False)
    assert calls == []  # ...but every document comes from the cache entries written above


def test_executor_names_are_checked():
    from analysis.errors import UserError
    from analysis.executors import executor

    with pytest.raises(UserError, match="unknown executor 'spark'"):
        with executor("spark"):
            pass
    with executor("local") as ex:
        assert ex is None


def test_unchanged_documents_come_from_the_cache(synthetic, monkeypatch):
    B.build(synthetic, workers=1, progress=False)
    calls = []
    real = B._run
    monkeypatch.setattr(B, "_run", lambda job: calls.append(job[1]) or real(job))
    B.build(synthetic, workers=1, progress=False)
    assert calls == []  # nothing re-parsed
    f = sorted(Paths(synthetic).raw.glob("*.txt"))[3]
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
    from analysis import build, cli

    monkeypatch.setattr(build, "SUMMARY_ROWS", 3)
    assert cli.main(["build", "--root", str(synthetic), "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    docs = pd.read_parquet(Paths(synthetic).processed / "documents.parquet")
    assert out[1].startswith(f"{len(docs)} documents, {docs.n_items.sum()} items")
    listed = [line.split()[0] for line in out[4:]]
    assert listed == docs.sort_values("n_quality_issues", ascending=False, kind="stable").doc_id.head(3).tolist()


def test_a_new_document_beside_a_large_cache_goes_to_a_worker(synthetic, monkeypatch, tmp_path):
    """With OVERLAP_MIN_CACHED cached documents, one changed document is processed in the
    pool while the cache loads; the tables equal those of a serial build from scratch."""
    B.build(synthetic, workers=1, progress=False)
    f = sorted(Paths(synthetic).raw.glob("*.txt"))[5]
    f.write_text(f.read_text(encoding="utf-8") + "\n附:新增养老床位20张。\n", encoding="utf-8")
    monkeypatch.setattr(B, "OVERLAP_MIN_CACHED", 3)
    pools = []
    real = B.ProcessPoolExecutor
    monkeypatch.setattr(B, "ProcessPoolExecutor", lambda **kw: pools.append(kw) or real(**kw))
    B.build(synthetic, workers=2, progress=False)
    assert [p["max_workers"] for p in pools] == [1]
    assert_as_built_from_scratch(synthetic)


def _same_counts(a, b):
    assert a.doc_ids.tolist() == b.doc_ids.tolist()
    assert a.section_ids.tolist() == b.section_ids.tolist()
    assert a.owner.tolist() == b.owner.tolist() and a.clustered.tolist() == b.clustered.tolist()
    assert a.vocab.tolist() == b.vocab.tolist()
    assert a.counts.shape == b.counts.shape and (a.counts != b.counts).nnz == 0
    assert a.counts.has_sorted_indices and b.counts.has_sorted_indices


def test_section_counts_combine_like_counting_everything_again():
    """Old counts of documents a, b, c and new counts of c (changed) and d, wanted in the
    order d, a, c: the result holds d's and c's new rows and a's old ones, in that order;
    b's rows go, and so does the term only b had.

        old: a:1 [养老 床位], b:1 [殡葬], c:1 [救助]      new: c:1 [救助 救助], d:1 [婚姻]
        ->   d:1 [婚姻], a:1 [养老 床位], c:1 [救助 救助]   vocab 养老 婚姻 床位 救助 (sorted)
    """
    from types import SimpleNamespace as NS

    from analysis.corpus.analyze import SectionCounts
    from analysis.schema import row_type

    def res(doc_id, terms):
        row = row_type("sections")(f"{doc_id}:1", doc_id, 1, 1, None, "一、", 1, "cn_dun", "t", "t", 0, 1, 1)
        return NS(
            doc_id=doc_id,
            section_rows=[row],
            terms={row.section_id: terms},
            section_term_rows=[row_type("section_terms")(row.section_id, doc_id, terms)],
        )

    old = SectionCounts.of([res("a", ["养老", "床位"]), res("b", ["殡葬"]), res("c", ["救助"])])
    new = SectionCounts.of([res("c", ["救助", "救助"]), res("d", ["婚姻"])])
    got = SectionCounts.combine([old, new], ["d", "a", "c"])
    want = SectionCounts.of([res("d", ["婚姻"]), res("a", ["养老", "床位"]), res("c", ["救助", "救助"])])
    _same_counts(got, want)
    assert got.vocab.tolist() == sorted(["养老", "床位", "救助", "婚姻"])
    assert got.counts.toarray().tolist() == [[0, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 2]]
    with pytest.raises(KeyError):
        SectionCounts.combine([old], ["a", "z"])


def test_section_counts_of_the_seeds_save_load_and_combine(seed_results, tmp_path):
    """On real documents: saved and loaded counts are equal, and two overlapping parts
    combined in a new order equal the counts of that order."""
    from analysis.corpus.analyze import SectionCounts

    res = list(seed_results.values())
    whole = SectionCounts.of(res)
    whole.save(tmp_path / "c.npz")
    _same_counts(SectionCounts.load(tmp_path / "c.npz"), whole)
    order = [res[4].doc_id, res[0].doc_id, res[2].doc_id, res[3].doc_id]
    got = SectionCounts.combine([SectionCounts.of(res[:3]), SectionCounts.of(res[2:])], order)
    _same_counts(got, SectionCounts.of([res[4], res[0], res[2], res[3]]))


def test_a_rebuild_after_removing_reordering_and_regenring_equals_a_fresh_build(synthetic, monkeypatch, tmp_path):
    """Rows kept from the previous build go where the manifest now puts them; a removed
    document's rows go; a document whose genre changed is processed again."""
    import shutil

    root = tmp_path / "proj"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("processed"))
    B.build(root, workers=1, progress=False)
    man = Paths(root).manifest
    head, *rows = man.read_text(encoding="utf-8").splitlines()
    removed = rows.pop(2)
    (Paths(root).raw / removed.split(",")[1]).unlink()
    rows = rows[-1:] + rows[:-1]
    cells = rows[3].split(",")
    cells[8] = "progress_report" if cells[8] != "progress_report" else "work_plan"
    rows[3] = ",".join(cells)
    man.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    calls = []
    real = B._run
    monkeypatch.setattr(B, "_run", lambda job: calls.append(job[1]) or real(job))
    rebuilt = B.build(root, workers=1, progress=False)
    assert calls == [cells[0]]
    assert rebuilt["documents"].doc_id.tolist() == [r.split(",")[0] for r in rows]
    assert_as_built_from_scratch(root)


def test_tables_changed_since_the_last_build_are_not_trusted(synthetic, tmp_path):
    """A table file rewritten after the build (or a build stopped half-way) makes the next
    build take every document from the cache of processed documents instead of copying
    rows from the tables."""
    import shutil

    import pyarrow.parquet as pq

    root = tmp_path / "proj"
    shutil.copytree(synthetic, root, ignore=shutil.ignore_patterns("processed"))
    B.build(root, workers=1, progress=False)
    p = Paths(root).processed / "targets.parquet"
    pq.write_table(pq.read_table(p).slice(0, 3), p)
    assert B._Previous.find(Paths(root), B.code_fingerprint()) is None
    B.build(root, workers=1, progress=False)
    assert_as_built_from_scratch(root)


def test_rows_to_arrow_checks_like_validate():
    """Rows go straight to Arrow in the build; a repeated key or a value of the wrong type is
    still an error, and the result equals the pandas route."""
    from analysis.schema import frame
    from analysis.store import rows_to_arrow, to_arrow

    rows = [("d:1", "d", "养老", 2.0, 0.5, True, False, "v1"), ("d:1", "d", "救助", 1.0, 0.25, False, False, "v1")]
    assert rows_to_arrow(rows, "section_themes").equals(to_arrow(frame(rows, "section_themes"), "section_themes"))
    with pytest.raises(ValueError, match="duplicate key"):
        rows_to_arrow(rows + rows[:1], "section_themes")
    with pytest.raises(ValueError, match="section_themes"):
        rows_to_arrow([("d:1", "d", "养老", "high", 0.5, True, False, "v1")], "section_themes")
    assert rows_to_arrow([], "section_themes").num_rows == 0


def test_a_build_with_nothing_changed_leaves_the_tables_alone(synthetic):
    """Same documents, manifest and code: the tables are not rewritten (a report's build
    step costs seconds); a manifest edit that changes no document still reaches them."""
    B.build(synthetic, workers=1, progress=False)
    processed = Paths(synthetic).processed
    before = {p.name: p.stat().st_mtime_ns for p in processed.glob("*.parquet")}
    tables = B.build(synthetic, workers=1, progress=False)
    assert {p.name: p.stat().st_mtime_ns for p in processed.glob("*.parquet")} == before
    assert len(tables) == len(TABLES) and len(tables["documents"]) == 12
    man = Paths(synthetic).manifest
    original = man.read_text(encoding="utf-8")
    first = pd.read_csv(man, dtype=str).doc_id.iloc[0]
    try:
        df = pd.read_csv(man, dtype=str, keep_default_na=False)
        df.loc[0, "title_zh"] = "改过的标题"
        df.to_csv(man, index=False)
        B.build(synthetic, workers=1, progress=False)
        docs = pd.read_parquet(processed / "documents.parquet").set_index("doc_id")
        assert docs.loc[first, "title_zh"] == "改过的标题"
    finally:
        man.write_text(original, encoding="utf-8")

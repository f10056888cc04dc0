"""Bad inputs and faults: each case once failed with a traceback, a hang or mixed tables."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import psutil
import pytest
from conftest import RAW, ROOT

from analysis import build as B
from analysis.pipeline import process
from analysis.store import Paths
from benchmarks.generate import generate


def run(*args, cwd=None, timeout=180):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def one_line(proc, code=2):
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    for d in ("tianjin-2012", "suqian-2018q1"):
        shutil.copy(RAW / f"{d}.txt", tmp_path / "data" / "raw")
    man = pd.read_csv(ROOT / "data" / "manifest.csv", dtype=str)
    man[man.doc_id.isin(["tianjin-2012", "suqian-2018q1"])].to_csv(tmp_path / "data" / "manifest.csv", index=False)
    return tmp_path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("synth"), n=12, seed=3, source=ROOT)


# -- doc ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", ["../../../x", "a b", "a\nb", "A-2031", "x" * 200])
def test_add_refuses_a_bad_doc_id_before_writing_anything(project, doc_id):
    new = project / "new.txt"
    new.write_text("2031年某市民政工作要点\n一、养老服务\n(一)新增床位100张。\n", encoding="utf-8")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    manifest = (project / "data" / "manifest.csv").read_bytes()
    line = one_line(run("add", str(new), "--root", str(project), "--doc-id", doc_id, "--year", "2031"))
    assert "doc_id" in line
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert (project / "data" / "manifest.csv").read_bytes() == manifest
    assert not (project.parent / "x").exists()


def test_a_long_doc_id_in_the_manifest_is_one_line(project):
    man = project / "data" / "manifest.csv"
    man.write_text(man.read_text(encoding="utf-8").replace("tianjin-2012,", "t" * 200 + ",", 1), encoding="utf-8")
    assert "manifest.csv:" in one_line(run("build", "--root", str(project), "--no-progress"))


def test_an_extra_field_in_a_manifest_row_is_named(project):
    man = project / "data" / "manifest.csv"
    lines = man.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if "宿迁市民政局" in line)
    lines[i] = lines[i].replace("宿迁市民政局", "宿迁市,民政局", 1)  # an unquoted comma
    man.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = one_line(run("build", "--root", str(project), "--no-progress"))
    assert f"manifest.csv:{i + 1}:" in line and "fields" in line


# -- what the build writes -----------------------------------------------------------------------


def test_an_unwritable_processed_folder_fails_before_any_document_is_processed(project, monkeypatch):
    """As root, permissions do not stop a write; a file where the folder should be does."""
    (project / "data" / "processed").write_text("not a folder", encoding="utf-8")
    calls = []
    monkeypatch.setattr(B, "_run", lambda job: calls.append(job) or pytest.fail("processed a document"))
    from analysis.cli import main

    assert main(["build", "--root", str(project), "--no-progress", "--workers", "1"]) == 2
    assert not calls


def test_a_truncated_cache_entry_is_a_miss(project, caplog):
    B.build(project, workers=1, progress=False)
    want = {t: pd.read_parquet(Paths(project).processed / f"{t}.parquet") for t in ("sections", "targets")}
    cache = Paths(project).cache
    (cache / "state.json").unlink()  # the next build must go through the cache entries
    pkl = sorted(cache.glob("*.pkl"))[0]
    pkl.write_bytes(pkl.read_bytes()[:100])
    B.build(project, workers=1, progress=False)
    assert "unreadable" in caplog.text
    for t, df in want.items():
        pd.testing.assert_frame_equal(pd.read_parquet(Paths(project).processed / f"{t}.parquet"), df)


def test_a_build_that_fails_half_way_leaves_the_previous_set_whole(project, monkeypatch):
    B.build(project, workers=1, progress=False)
    processed = Paths(project).processed
    before = {p.name: p.read_bytes() for p in processed.glob("*.parquet")}
    (project / "data" / "raw" / "suqian-2018q1.txt").write_text("一、新\n(一)新增床位9张。\n", encoding="utf-8")
    real, written = B._assemble, []

    def fail_late(table, *args):
        if len(written) == 6:
            raise OSError(28, "No space left on device")
        written.append(table)
        return real(table, *args)

    monkeypatch.setattr(B, "_assemble", fail_late)
    with pytest.raises(OSError):
        B.build(project, workers=1, progress=False)
    assert {p.name: p.read_bytes() for p in processed.glob("*.parquet")} == before
    assert not list((project / "data").glob(".processed-*"))


def test_a_second_build_waits_for_the_first(project, caplog):
    paths = Paths(project)
    done = threading.Event()
    with B._locked(paths):
        t = threading.Thread(target=lambda: (B.build(project, workers=1, progress=False), done.set()))
        t.start()
        t.join(timeout=3)
        assert t.is_alive() and not done.is_set(), "the second build did not wait"
    t.join(timeout=120)
    assert done.is_set()
    assert "another build" in caplog.text


def test_workers_exit_when_the_build_is_killed(synthetic):
    shutil.rmtree(Paths(synthetic).processed, ignore_errors=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "build", "--root", str(synthetic), "--no-progress", "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    workers = []
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = [c for c in parent.children(recursive=True) if "resource_tracker" not in " ".join(c.cmdline())]
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("the build finished before its workers could be seen")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"workers still running after the build was killed: {[p.pid for p in alive]}"


# -- inputs ---------------------------------------------------------------------------------------


def test_nul_characters_are_removed_and_flagged():
    res = process("一、养老服务\n(一)新增\x00养老床位200张。\n".encode(), "d")
    assert not res.sections.text.str.contains("\x00").any()
    assert "control_characters" in set(res.quality_issues.kind)
    assert res.targets.value.tolist() == [200.0]


def test_parts_beyond_999_keep_their_numbers():
    arabic = "\n".join(f"{i}. 第{i}项任务。落实。" for i in range(1, 1203))
    chinese = "\n".join(
        f"{n}、第{i}部分工作\n推进工作。" for i, n in [(999, "九百九十九"), (1000, "一千"), (1001, "一千零一")]
    )
    for text, n in ((arabic, 1202), (chinese, 3)):
        s = process(text.encode(), "d").sections
        heads = s[s.level == 1]
        assert len(heads) == n
        assert heads.label_n.tolist()[-1] == (1202 if n == 1202 else 1001)
        assert (heads.label_n.diff().dropna() == 1).all()


def test_a_year_at_a_line_start_is_not_a_number_label():
    s = process("一、总体要求\n2018.全年完成任务。\n二、重点工作\n".encode(), "d").sections
    assert s.level.tolist() == [1, 1]

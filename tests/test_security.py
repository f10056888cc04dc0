"""Foundations: stale caches, caches outside shared folders, inert HTML and CSV, inputs that
stay inside the project, and every imported distribution declared."""

import ast
import csv
import json
import marshal
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata

import pandas as pd
import pytest
from conftest import RAW, ROOT

from analysis.cli import main

XSS = ['<script>alert("xss")</script>', "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>"]
FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "@SUM(1+1)", "+1+2", "-3+4"]

INJECTED = f"""{XSS[0]}2031年全市民政工作要点

{FORMULAS[0]}
一、养老服务{XSS[1]}
(一)加强养老设施建设{XSS[2]}。新增养老床位1200张。
{FORMULAS[1]}
(二)规范养老机构管理。开展等级评定,{FORMULAS[2]}。
二、社会救助
{FORMULAS[3]}
(三)提高救助标准。城乡低保标准提高5%。
"""


def _project(tmp_path, docs: dict[str, str], rows: list[str]):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for name, text in docs.items():
        (raw / name).write_text(text, encoding="utf-8")
    header = "doc_id,file,jurisdiction_zh,jurisdiction_en,year,genre,title_zh\n"
    (tmp_path / "data" / "manifest.csv").write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return tmp_path


def run(*args, env=None, cwd=None, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


# -- stale results ---------------------------------------------------------------------------


def test_a_codebook_edit_reaches_the_themes_of_unchanged_documents(tmp_path):
    """The build's code fingerprint covers every file of the package: after an edit of
    codebook.toml (the README's workflow) the next build labels every document with the new
    codebook, instead of keeping the old rows of the unchanged ones."""
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "analysis", pkg / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    proj = tmp_path / "proj"
    (proj / "data" / "raw").mkdir(parents=True)
    for d in ("tianjin-2012", "suqian-2018q1"):
        shutil.copy(RAW / f"{d}.txt", proj / "data" / "raw")
    man = pd.read_csv(ROOT / "data" / "manifest.csv", dtype=str)
    man[man.doc_id.isin(["tianjin-2012", "suqian-2018q1"])].to_csv(proj / "data" / "manifest.csv", index=False)
    env = dict(os.environ, PYTHONPATH=str(pkg))
    args = ["build", "--root", str(proj), "--no-progress", "--workers", "1"]
    # run from tmp_path: `python -m` puts the working folder first on the path
    assert run(*args, env=env, cwd=tmp_path).returncode == 0
    before = pd.read_parquet(proj / "data" / "processed" / "section_themes.parquet")
    cb = pkg / "analysis" / "resources" / "codebook.toml"
    # a reviewed edit: 殡仪 no longer counts for funerals
    text = cb.read_text(encoding="utf-8")
    assert '"殡仪馆"' in text
    cb.write_text(text.replace('"殡仪馆"', '"殡仪设施"'), encoding="utf-8")
    proc = run(*args, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    after = pd.read_parquet(proj / "data" / "processed" / "section_themes.parquet")
    assert before.codebook_version.nunique() == after.codebook_version.nunique() == 1
    assert after.codebook_version.iloc[0] != before.codebook_version.iloc[0]
    # the cache keeps no entry of the old code
    assert len(list((proj / "data" / "processed" / ".cache").glob("*.pkl"))) == 2


# -- caches ------------------------------------------------------------------------------------


def test_no_cache_in_a_shared_temporary_folder_is_read(tmp_path):
    """A valid but poisoned jieba cache planted in the shared temporary folder (under the
    names jieba and earlier versions used) changes nothing: caches live in a private folder."""
    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir()
    poison = marshal.dumps(({"民": 1, "政": 1}, 2))
    for name in ("jieba.cache", "jieba.u2a8a0e9b.cache", "minzheng-jieba-0000000000000000.cache"):
        (shared / name).write_bytes(poison)
    # jieba is the engine that keeps caches (jieba-rs, the default, loads its dictionary from
    # its own binary)
    env = dict(os.environ, TMPDIR=str(shared), MINZHENG_CACHE_DIR=str(private), MINZHENG_SEGMENTER="jieba")
    clean = dict(os.environ, MINZHENG_CACHE_DIR=str(tmp_path / "clean"), MINZHENG_SEGMENTER="jieba")
    doc = str(RAW / "tianjin-2012.txt")
    got = run("themes", doc, "--json", env=env)
    want = run("themes", doc, "--json", env=clean)
    assert got.returncode == 0 and want.returncode == 0, got.stderr + want.stderr
    assert json.loads(got.stdout) == json.loads(want.stdout)
    assert list(private.glob("jieba-*.snapshot")), "the snapshot is kept in the private folder"
    assert oct(private.stat().st_mode & 0o777) == "0o700"


def test_a_corrupt_or_foreign_snapshot_is_rebuilt(tmp_path, monkeypatch):
    """A snapshot whose checksum does not match, or whose checksum matches a payload of the
    wrong shape, is a cache miss: jieba's dictionary is built again."""
    from analysis.cachedir import read_checked, write_checked
    from analysis.corpus import segment

    monkeypatch.setenv("MINZHENG_CACHE_DIR", str(tmp_path))
    segment.tokenizer.cache_clear()
    try:
        ref = segment.tokenizer()
        snap = tmp_path / segment._snapshot_name()
        data = bytearray(snap.read_bytes())
        data[-10] ^= 0xFF
        snap.write_bytes(bytes(data))
        assert read_checked(snap) is None
        segment.tokenizer.cache_clear()
        assert segment.tokenizer().FREQ == ref.FREQ
        write_checked(snap, marshal.dumps(["not", "a", "dictionary"]))
        segment.tokenizer.cache_clear()
        assert segment.tokenizer().total == ref.total
        assert not list(tmp_path.glob("*.tmp"))
    finally:
        segment.tokenizer.cache_clear()


def test_a_cache_folder_others_can_write_is_not_used(tmp_path, monkeypatch, caplog):
    from analysis.cachedir import cache_dir

    d = tmp_path / "open"
    d.mkdir()
    d.chmod(0o777)
    monkeypatch.setenv("MINZHENG_CACHE_DIR", str(d))
    assert cache_dir() is None
    assert "not a private folder" in caplog.text


# -- inert HTML and CSV ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    root = _project(
        tmp_path_factory.mktemp("inj"),
        {"inj.txt": INJECTED, "plain.txt": (RAW / "tianjin-2012.txt").read_text(encoding="utf-8")},
        [
            f'inj-2031,inj.txt,"{XSS[2]}某市",X,2031,work_plan,"{XSS[1]}"',
            "plain-2012,plain.txt,天津市,Tianjin,2012,work_plan,",
        ],
    )
    assert main(["build", "--root", str(root), "--no-progress", "--workers", "1"]) == 0
    return root


def test_document_text_in_an_html_report_is_inert(injected):
    from analysis.publish.report import run_report

    shutil.copytree(ROOT / "notebooks", injected / "notebooks", ignore=shutil.ignore_patterns("*.ipynb"))
    out = injected / "out"
    assert run_report(injected, out=out, only="city_profile", progress=False) == 0
    page = (out / "city_profile-inj-2031.html").read_text(encoding="utf-8")
    for payload in XSS:
        assert payload not in page
    assert "&lt;svg onload=alert(1)&gt;某市" in page  # shown, as text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert not [p for p in XSS if p in index]


def test_formula_cells_in_the_csvs_are_inert(injected):
    """No CSV cell starts with = + - @ or a tab; the Parquet keeps the exact text."""
    processed = injected / "data" / "processed"
    risky = ("=", "+", "-", "@", "\t", "\r")
    seen = 0
    for table in ("sections", "targets", "documents", "quality_issues"):
        with (processed / f"{table}.csv").open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                assert not [c for c in row if c.startswith(risky)], (table, row)
                seen += sum(c.startswith("'=") or c.startswith("'@") for c in row)
    assert seen, "the formula lines reached the tables"
    sections = pd.read_parquet(processed / "sections.parquet")
    assert sections.text.str.contains(FORMULAS[1], regex=False).any()


# -- inputs stay inside the project ------------------------------------------------------------


@pytest.mark.parametrize("file", ["../outside.txt", "/etc/hostname", "sub/inner.txt", "link.txt"])
def test_manifest_files_must_stay_inside_data_raw(tmp_path, file):
    root = _project(tmp_path, {"ok.txt": INJECTED}, [f"bad-2031,{file},某市,X,2031,work_plan,"])
    (tmp_path / "data" / "outside.txt").write_text(INJECTED, encoding="utf-8")
    (tmp_path / "data" / "raw" / "sub").mkdir()
    (tmp_path / "data" / "raw" / "sub" / "inner.txt").write_text(INJECTED, encoding="utf-8")
    (tmp_path / "data" / "raw" / "link.txt").symlink_to(tmp_path / "data" / "outside.txt")
    proc = run("build", "--root", str(root), "--no-progress")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "file" in proc.stderr and "manifest.csv:2" in proc.stderr


@pytest.mark.parametrize("command", ["outline", "targets", "themes", "add"])
def test_a_fifo_is_refused_not_waited_on(tmp_path, command):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = run(command, str(fifo), cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"minzheng: {fifo}: not a regular file (a pipe, device or socket); save the text to a file first"
    ]


def test_a_device_is_refused(tmp_path):
    proc = run("outline", "/dev/zero", timeout=60)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


# -- dependencies ------------------------------------------------------------------------------


def _imported_top_modules() -> set[str]:
    names = set()
    for path in [*(ROOT / "analysis").rglob("*.py"), *(ROOT / "notebooks").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"analysis"}


def test_every_imported_distribution_is_declared():
    """Each third-party module the package or a notebook imports comes from a distribution
    named in pyproject's dependencies or extras (not merely installed as someone else's
    dependency)."""
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # an optional feature's library (distributed for --executor dask) is declared in its extra
    extras = [d for group in spec.get("optional-dependencies", {}).values() for d in group]
    declared = {
        d.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower().replace("_", "-")
        for d in spec["dependencies"] + extras
    }
    dists = metadata.packages_distributions()
    missing = {}
    for mod in sorted(_imported_top_modules()):
        owners = {d.lower().replace("_", "-") for d in dists.get(mod, [])}
        assert owners, f"{mod} is imported but no installed distribution provides it"
        if not owners & declared:
            missing[mod] = owners
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"

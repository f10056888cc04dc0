"""The two segmentation engines: jieba-rs (rjieba, the default) against jieba (the reference).

Measured here on the 5 seeds and the 46 national reports: token agreement 99.6 % or more
per document. The only kind of difference is a number joined by hyphens or dots (dates
2018-03-02, index numbers 2019-30755, ranges 2011-2015): one token in jieba-rs, several in
jieba. Such tokens are not terms (``resources/term_filters.tsv``), so themes, TF-IDF and
clusters do not see the difference; targets never read tokens.
"""

import difflib
import re

import pytest
from conftest import RAW, ROOT, SEEDS

from analysis.corpus import segment

NATIONAL = sorted((ROOT / "corpora" / "national" / "data" / "raw").glob("*.txt"))
#: What a differing run of tokens may hold: digits and the marks that join them.
_NUMBER_RUN = re.compile(r"[\d\-.:/]+")


@pytest.fixture(scope="module")
def engines():
    return segment._segmenter("rjieba"), segment._segmenter("jieba")


def _differences(a: list[str], b: list[str]):
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    same = sum(m.size for m in sm.get_matching_blocks())
    diffs = [("".join(a[i1:i2]), "".join(b[j1:j2])) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]
    return same / max(len(a), 1), diffs


@pytest.mark.parametrize("path", [RAW / f"{d}.txt" for d in SEEDS] + NATIONAL, ids=lambda p: p.stem)
def test_the_engines_agree_but_on_hyphenated_numbers(engines, path):
    text = path.read_text(encoding="utf-8")
    fast, ref = engines
    a, b = ref(text), fast(text)
    assert "".join(b) == text  # lossless: offsets can be counted from the tokens
    agreement, diffs = _differences(a, b)
    assert agreement >= 0.99, (agreement, diffs[:5])
    odd = [(x, y) for x, y in diffs if x != y or not _NUMBER_RUN.fullmatch(x)]
    assert not odd, odd[:5]


def test_an_unknown_engine_is_one_line(monkeypatch, capsys, tmp_path):
    from analysis.cli import main

    monkeypatch.setenv("MINZHENG_SEGMENTER", "ictclas")
    (tmp_path / "a.txt").write_text("一、养老服务\n(一)新增养老床位200张。\n", encoding="utf-8")
    assert main(["themes", str(tmp_path / "a.txt")]) == 2
    assert "MINZHENG_SEGMENTER='ictclas' is not a segmenter" in capsys.readouterr().err


def test_the_reference_engine_gives_the_same_themes_and_terms_on_the_seeds(monkeypatch):
    from analysis.pipeline import process

    for d in ("wuhan-2018", "jiangsu-2014"):
        data = (RAW / f"{d}.txt").read_bytes()
        monkeypatch.setenv("MINZHENG_SEGMENTER", "rjieba")
        fast = process(data, d, d)
        monkeypatch.setenv("MINZHENG_SEGMENTER", "jieba")
        ref = process(data, d, d)
        primary = [r.section_themes.query("is_primary").theme_id.tolist() for r in (ref, fast)]
        assert primary[0] == primary[1]
        assert ref.terms == fast.terms

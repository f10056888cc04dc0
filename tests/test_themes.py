"""Theme codebook and classification."""

import numpy as np
import pandas as pd
import pytest
from conftest import GOLD, ROOT

from analysis.corpus.segment import codebook, cut
from analysis.evaluate import confusion, theme_predictions
from analysis.extract.themes import (
    MIN_SCORE,
    THEMES,
    UNCLASSIFIED,
    classify,
    codebook_version,
    score_text,
    theme_shares,
)

DESIGN_IDS = [
    "elderly_care",
    "social_assistance",
    "community_governance",
    "social_organizations",
    "social_work_volunteering",
    "charity_lottery",
    "veterans_military",
    "disaster_relief",
    "child_welfare",
    "disability_welfare",
    "vagrancy_assistance",
    "funeral_services",
    "marriage_registration",
    "divisions_place_names",
    "party_building",
    "rule_of_law",
    "informatization",
    "general_capacity",
]
SNAPSHOT = ROOT / "tests" / "snapshots" / "theme_labels.csv"


def test_codebook_has_the_fixed_ids_and_every_field():
    assert THEMES == DESIGN_IDS
    for t in codebook()["theme"]:
        assert t["zh"] and t["en"] and t["definition"]
        assert len(t["keywords"]) >= 5
        assert all(w in (1, 2, 3) for w in t["keywords"].values())


@pytest.mark.parametrize("term", ["居家养老", "三社联动", "适老化", "特困人员", "婚姻登记", "区划"])
def test_keywords_are_not_split_by_jieba(term):
    assert term in cut(f"继续推进{term}工作")


def sections_frame(rows):
    """Inline sections: (section_id, level, parent_id, title, text)."""
    df = pd.DataFrame(rows, columns=["section_id", "level", "parent_id", "title", "text"])
    return df.assign(
        doc_id="d", ordinal=1, label_raw="", label_n=pd.NA, style="", char_start=0, char_end=10, own_end=10
    )


def test_title_weighs_more_than_body():
    """Title about funerals, body mentioning elderly care once: funeral_services wins."""
    s = score_text("深化殡葬改革", "推进公墓建设,为老年人提供服务。")
    assert max(s, key=s.get) == "funeral_services"
    assert s["elderly_care"] > 0


def test_exactly_one_primary_per_leaf_and_unclassified_when_weak():
    """
    d:1 (part, 社会救助) -> d:1.1 (低保 item), d:1.2 (no keyword at all)
    d:2 (leaf part with a weak title)
    """
    secs = sections_frame(
        [
            ("d:1", 1, None, "社会救助", "社会救助"),
            ("d:1.1", 2, "d:1", "提高低保标准", "提高低保标准。城乡低保标准提高。"),
            ("d:1.2", 2, "d:1", "做好其他工作", "做好其他工作。按时完成。"),
            ("d:2", 1, None, "其他事项", "其他事项。统筹推进。"),
        ]
    )
    th = classify(secs)
    prim = th[th.is_primary].set_index("section_id").theme_id
    assert prim.to_dict() == {"d:1.1": "social_assistance", "d:1.2": "social_assistance", "d:2": UNCLASSIFIED}
    assert th.groupby("section_id").is_primary.sum().eq(1).all()
    assert "d:1" not in set(th.section_id)  # not a leaf
    # the part's title alone (1.5 x weight 3) carries the empty item over MIN_SCORE
    assert th[(th.section_id == "d:1.2") & th.is_primary].score.iloc[0] >= MIN_SCORE


def test_theme_shares_by_chars_and_sections():
    """
    leaves: a (elderly, 300 chars), b (elderly, 100), c (funeral, 100)
    by chars: elderly 400/500 = 0.8, funeral 0.2; by sections: 2/3 and 1/3
    """
    secs = pd.DataFrame(
        {"section_id": ["a", "b", "c"], "level": [2, 2, 2], "char_start": [0, 300, 400], "own_end": [300, 400, 500]}
    )
    th = pd.DataFrame(
        {
            "section_id": ["a", "b", "c"],
            "doc_id": "d",
            "is_primary": True,
            "theme_id": ["elderly_care", "elderly_care", "funeral_services"],
        }
    )
    by_chars = theme_shares(th, secs, by="chars", n_boot=500)
    pd.testing.assert_frame_equal(
        by_chars[["doc_id", "theme_id", "share", "n_sections"]],
        pd.DataFrame(
            {
                "doc_id": ["d", "d"],
                "theme_id": ["elderly_care", "funeral_services"],
                "share": [0.8, 0.2],
                "n_sections": [2, 1],
            }
        ),
    )
    by_secs = theme_shares(th, secs, by="sections", n_boot=500)
    np.testing.assert_allclose(by_secs.share, [2 / 3, 1 / 3])
    for df in (by_chars, by_secs):
        assert ((df.lo <= df.share) & (df.share <= df.hi)).all()
        assert (df.lo >= 0).all() and (df.hi <= 1).all() and (df.hi > df.lo).all()


def test_theme_shares_of_a_seed_document(seed_results):
    r = seed_results["wuhan-2018"]
    shares = theme_shares(r.section_themes, r.sections)
    assert shares.share.sum() == pytest.approx(1.0)
    assert ((shares.lo <= shares.share) & (shares.share <= shares.hi)).all()
    top = shares.sort_values("share").iloc[-1]
    assert top.theme_id in {"elderly_care", "social_assistance", "general_capacity", "party_building"}


@pytest.fixture(scope="module")
def gold_predictions(seed_results):
    gold = pd.read_csv(GOLD / "themes.csv", keep_default_na=False)
    docs = sorted(set(gold.doc_id))
    secs = pd.concat([seed_results[d].sections for d in docs])
    th = pd.concat([seed_results[d].section_themes for d in docs])
    return theme_predictions(secs, th, gold)


def test_gold_theme_accuracy(gold_predictions):
    p = gold_predictions
    print(f"\nthemes: accuracy {p.correct.mean():.3f}, lenient {p.lenient.mean():.3f} over {len(p)} items")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(confusion(p).to_string())
        print(p[~p.correct][["doc_id", "item_n", "title", "theme", "predicted"]].to_string())
    assert len(p) == 122
    assert p.correct.mean() >= 0.90


def test_codebook_changes_list_the_gold_items_that_changed_label(gold_predictions):
    """The snapshot holds the labels of the gold items under the codebook that made them.
    After a codebook edit this lists what changed; `make codebook-snapshot` accepts it."""
    snap = pd.read_csv(SNAPSHOT, keep_default_na=False)
    merged = gold_predictions.merge(snap, on=["doc_id", "item_n"], suffixes=("", "_snapshot"))
    changed = merged[merged.predicted != merged.predicted_snapshot]
    if len(changed):
        print("\n" + changed[["doc_id", "item_n", "title", "predicted_snapshot", "predicted", "theme"]].to_string())
    assert snap.codebook_version.iloc[0] == codebook_version() or len(changed) == 0, (
        f"codebook changed ({snap.codebook_version.iloc[0]} -> {codebook_version()}) and {len(changed)} gold items "
        "changed label (listed above); run `make codebook-snapshot` to accept"
    )
    assert len(merged) == 122


def test_grassroots_governance_and_village_committees_are_community_governance():
    """基层治理 and 两委 (the village and community committees) name grassroots governance: a part
    about lightening the 两委's load, with no other keyword, was unclassified."""
    scores = score_text("着力提升基层治理水平", "持续推进村(社区)“两委”减负,规范村级组织工作事项。")
    assert max(scores, key=scores.get) == "community_governance"
    assert scores["community_governance"] >= MIN_SCORE  # primary, not unclassified

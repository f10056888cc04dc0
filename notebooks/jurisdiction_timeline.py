# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation
#   kernelspec:
#     display_name: minzheng (.venv)
#     language: python
#     name: minzheng
# ---

# %% tags=["parameters"]
jurisdiction: str = ""  # jurisdiction_zh of data/manifest.csv; empty means the one with most documents
task_similarity: float = 0.3  # TF-IDF cosine at which two sections of consecutive documents are one task
root: str = ".."  # project folder holding data/ (relative to this notebook)
lang: str = "zh"  # language of the charts, tables and text: zh (Chinese) or en (English)
figures_dir: str = ""  # where to write each chart as PNG and SVG; empty means only show them

# %%
from IPython.display import display

from analysis.extract.themes import theme_names, theme_shares
from analysis.publish import compare, plots
from analysis.store import read_table

plots.set_lang(lang)

documents = read_table("documents", root)
jurisdiction = jurisdiction or documents.jurisdiction_zh.value_counts().index[0]
documents = documents[documents.jurisdiction_zh == jurisdiction].sort_values(["year", "doc_id"])
chosen = documents.doc_id.tolist()
sections = read_table("sections", root).query("doc_id in @chosen")
section_themes = read_table("section_themes", root).query("doc_id in @chosen")
section_terms = read_table("section_terms", root).query("doc_id in @chosen")
targets = read_table("targets", root).query("doc_id in @chosen")
links = read_table("plan_results", root).query("plan_doc_id in @chosen")
source = plots.source_line(documents)
figures = plots.FigureSaver(figures_dir, prefix=f"jurisdiction_timeline-{jurisdiction}")
names = theme_names()
display(plots.say("jurisdiction_timeline.intro"))
display(
    plots.say(
        "jurisdiction_timeline.heading",
        place=compare.md_text(jurisdiction),
        n=len(documents),
        first=documents.year.min(),
        last=documents.year.max(),
    )
)
plots.table(documents[["doc_id", "year", "genre", "title_zh", "n_chars", "n_items"]])

# %%
display(plots.say("jurisdiction_timeline.themes"))
shares = theme_shares(section_themes, sections)
figures.save(plots.theme_shares_over_time(shares, documents, source, names), "theme_shares_by_year")

# %%
display(plots.say("jurisdiction_timeline.indicators"))
timeline = compare.indicator_timeline(targets, documents)
figures.save(plots.indicator_over_time(timeline, source), "indicators_by_year")

# %%
plots.table(timeline[["group_label", "doc_id", "ref_year", "kind", "raw", "comparator", "indicator"]])

# %%
display(plots.say("jurisdiction_timeline.tasks"))
plots.table(compare.task_changes(section_terms, documents, task_similarity))

# %%
display(plots.say("jurisdiction_timeline.plans"))
figures.save(plots.plan_vs_result(links, source, documents), "plan_vs_result")

# %%
plots.table(
    links[links.met != "not reported"][
        ["plan_doc_id", "result_doc_id", "indicator", "target_comparator", "target_value", "actual_value", "met"]
    ],
    {"target_value": "{:,.10g}", "actual_value": "{:,.10g}"},
)

# %%
display(plots.say("jurisdiction_timeline.unreported", n=int((links.met == "not reported").sum()), total=len(links)))

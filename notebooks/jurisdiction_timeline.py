# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: minzheng (.venv)
#     language: python
#     name: minzheng
# ---

# %% [markdown]
# # 一地多年:主题变化、可比指标、任务延续与计划完成情况
#
# One jurisdiction over the years: theme shares by year, each comparable indicator over the
# years, tasks new, continued and dropped between consecutive documents, and each plan held
# against the results the next document reports.

# %% tags=["parameters"]
jurisdiction: str = ""  # jurisdiction_zh of data/manifest.csv; empty means the one with most documents
task_similarity: float = 0.3  # TF-IDF cosine at which two sections of consecutive documents are one task
root: str = ".."  # project folder holding data/ (relative to this notebook)
lang: str = "zh"  # language of the charts: zh (Chinese) or en (English)
figures_dir: str = ""  # where to write each chart as PNG and SVG; empty means only show them

# %%
from IPython.display import Markdown, display

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
display(
    Markdown(
        f"## {compare.md_text(jurisdiction)}:{len(documents)} 份文件({documents.year.min()}–{documents.year.max()})"
    )
)
plots.table(documents[["doc_id", "year", "genre", "title_zh", "n_chars", "n_items"]])

# %% [markdown]
# ## 主题占比的逐年变化

# %%
shares = theme_shares(section_themes, sections)
figures.save(plots.theme_shares_over_time(shares, documents, source, names), "theme_shares_by_year")

# %% [markdown]
# ## 可比指标的逐年变化
# Targets and results of the same indicator group, placed at the year they refer to.

# %%
timeline = compare.indicator_timeline(targets, documents)
figures.save(plots.indicator_over_time(timeline, source), "indicators_by_year")

# %%
plots.table(timeline[["group_label", "doc_id", "ref_year", "kind", "raw", "comparator", "indicator"]])

# %% [markdown]
# ## 任务的新增、延续与取消
# A leaf section of the later document continues a task of the earlier one when their TF-IDF
# cosine similarity reaches the threshold in the parameters cell; otherwise it is new. A
# section of the earlier document that no later section reaches is dropped.

# %%
plots.table(compare.task_changes(section_terms, documents, task_similarity))

# %% [markdown]
# ## 计划目标与完成情况
# Each target of a plan's year against the result the next document reports for that year
# and indicator (`minzheng plan-results`).

# %%
figures.save(plots.plan_vs_result(links, source), "plan_vs_result")

# %%
plots.table(
    links[links.met != "not reported"][
        ["plan_doc_id", "result_doc_id", "indicator", "target_comparator", "target_value", "actual_value", "met"]
    ],
    {"target_value": "{:,.10g}", "actual_value": "{:,.10g}"},
)

# %%
display(Markdown(f"未报告完成情况的目标:{int((links.met == 'not reported').sum())} 个(共 {len(links)} 个)"))

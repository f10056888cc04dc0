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
# # City profile
#
# One document: its outline, what it spends its words on, the quantities it commits to or
# reports, and what the cleaning found in the source.

# %% tags=["parameters"]
doc_id: str = "wuhan-2018"  # the document to profile: a doc_id from data/manifest.csv
root: str = ".."  # project folder holding data/ (relative to this notebook)
lang: str = "zh"  # language of the charts: zh (Chinese) or en (English)
figures_dir: str = ""  # where to write each chart as PNG and SVG; empty means only show them

# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis.extract.themes import theme_names, theme_shares
from analysis.publish import compare, plots
from analysis.store import read_table

plots.set_lang(lang)

pd.set_option("display.max_colwidth", 60)
documents = read_table("documents", root)
sections = read_table("sections", root).query("doc_id == @doc_id")
section_themes = read_table("section_themes", root).query("doc_id == @doc_id")
targets = read_table("targets", root).query("doc_id == @doc_id")
issues = read_table("quality_issues", root).query("doc_id == @doc_id")
source = plots.source_line(documents.query("doc_id == @doc_id"))
figures = plots.FigureSaver(figures_dir, prefix=f"city_profile-{doc_id}")
names = theme_names()

# %%
display(Markdown(compare.document_summary(documents, doc_id, len(targets))))

# %% [markdown]
# ## Outline

# %%
figures.save(plots.outline_overview(sections, source), "outline")

# %%
plots.table(sections.query("level >= 1")[["section_id", "level", "label_raw", "title"]])

# %% [markdown]
# ## Theme mix
# Share of the text of leaf sections (items) per primary theme, with a 90% bootstrap interval
# over the sections. The front matter is left out.

# %%
shares = theme_shares(section_themes, sections)
figures.save(plots.theme_mix(shares, source, names), "theme_mix")

# %%
plots.table(shares.merge(names[["theme_id", "zh"]], on="theme_id").sort_values("share", ascending=False).round(3))

# %% [markdown]
# ## Quantified targets

# %%
figures.save(plots.targets_by_theme(targets, source, names), "targets_by_theme")

# %%
plots.table(
    targets[
        ["section_id", "raw", "value", "unit", "comparator", "kind", "indicator", "verb", "commitment", "theme_id"]
    ],
    {"value": "{:,.10g}"},
)

# %% [markdown]
# ## Quality issues found in the source

# %%
figures.save(plots.quality_issues(issues, source), "quality_issues")

# %%
plots.table(issues[["kind", "action", "char_start", "excerpt"]])

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
doc_id: str = "wuhan-2018"  # the document to profile: a doc_id from data/manifest.csv
root: str = ".."  # project folder holding data/ (relative to this notebook)
lang: str = "zh"  # language of the charts, tables and text: zh (Chinese) or en (English)
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
display(plots.say("city_profile.intro"))

# %%
display(Markdown(compare.document_summary(documents, doc_id, len(targets), lang)))

# %%
display(plots.say("city_profile.outline"))
figures.save(plots.outline_overview(sections, source), "outline")

# %%
plots.table(sections.query("level >= 1")[["section_id", "level", "label_raw", "title"]])

# %%
display(plots.say("city_profile.themes"))
shares = theme_shares(section_themes, sections)
figures.save(plots.theme_mix(shares, source, names), "theme_mix")

# %%
plots.table(shares.merge(names[["theme_id", lang]], on="theme_id").sort_values("share", ascending=False).round(3))

# %%
display(plots.say("city_profile.targets"))
figures.save(plots.targets_by_theme(targets, source, names), "targets_by_theme")

# %%
plots.table(
    targets[
        ["section_id", "raw", "value", "unit", "comparator", "kind", "indicator", "verb", "commitment", "theme_id"]
    ],
    {"value": "{:,.10g}"},
)

# %%
display(plots.say("city_profile.issues"))
figures.save(plots.quality_issues(issues, source), "quality_issues")

# %%
plots.table(issues[["kind", "action", "char_start", "excerpt"]])

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
# # Cross-city comparison
#
# Theme shares side by side, how concrete each plan is, the same indicator across documents,
# how similar the documents are and which terms set each apart.

# %% tags=["parameters"]
doc_ids: list = []  # documents to compare (doc_ids from data/manifest.csv); empty means all of them
themes: list = []  # theme_ids to show in the theme comparison; empty means all themes
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
documents = documents[documents.doc_id.isin(doc_ids)] if doc_ids else documents
chosen = documents.doc_id.tolist()
sections = read_table("sections", root).query("doc_id in @chosen")
section_themes = read_table("section_themes", root).query("doc_id in @chosen")
targets = read_table("targets", root).query("doc_id in @chosen")
similarity = read_table("doc_similarity", root).query("doc_a in @chosen and doc_b in @chosen")
distinctive = read_table("distinctive_terms", root).query("group in @chosen")
source = plots.source_line(documents)
figures = plots.FigureSaver(figures_dir, prefix="cross_city")
names = theme_names()

# %% [markdown]
# ## Read this first

# %%
note = compare.confounding_note(documents)
display(Markdown(f"> **⚠ {note}**" if note else "> Place and year can be told apart in these documents."))
plots.table(documents[["doc_id", "jurisdiction_zh", "year", "genre", "title_zh", "n_chars", "n_items"]])

# %% [markdown]
# ## Theme shares side by side

# %%
shares = theme_shares(section_themes, sections)
wide = compare.theme_shares_wide(shares.query("theme_id in @themes") if themes else shares)
figures.save(plots.theme_shares_compare(wide, source, names, documents), "theme_shares")

# %%
(wide * 100).round(1).rename(index=names.set_index("theme_id").zh.to_dict())

# %% [markdown]
# ## How concrete is each plan?
# Quantified targets (commitments) per 10,000 characters, and the share of items that hold at
# least one. Reports state results (kind "actual"), which are not counted as commitments.

# %%
spec = compare.specificity(documents, sections, targets)
figures.save(plots.specificity(spec, source), "specificity")

# %%
plots.table(spec.round(2))

# %%
compare.commitment_mix(targets).pivot_table(index="commitment", columns="doc_id", values="n", fill_value=0)

# %% [markdown]
# ## Comparable targets
# The same indicator in different documents (groups in `analysis/resources/indicator_groups.tsv`).

# %%
comparable = compare.comparable_targets(targets, documents)
figures.save(plots.comparable_targets(comparable, source), "comparable_targets")

# %%
plots.table(
    comparable[["group_label", "jurisdiction_zh", "year", "kind", "raw", "value", "unit", "comparator", "indicator"]],
    {"value": "{:,.10g}"},
)

# %% [markdown]
# ## Document similarity and distinctive terms

# %%
figures.save(plots.similarity_heatmap(similarity, source, documents), "similarity")

# %%
figures.save(plots.distinctive_terms(distinctive, source, documents=documents), "distinctive_terms")

# %%
distinctive.query("rank <= 10").pivot_table(index="rank", columns="group", values="term", aggfunc="first")

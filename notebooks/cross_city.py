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
doc_ids: list = []  # documents to compare (doc_ids from data/manifest.csv); empty means all of them
group_by: str = ""  # pool documents by jurisdiction, year, genre, admin_level or province; empty compares documents
themes: list = []  # theme_ids to show in the theme comparison; empty means all themes
root: str = ".."  # project folder holding data/ (relative to this notebook)
lang: str = "zh"  # language of the charts, tables and text: zh (Chinese) or en (English)
figures_dir: str = ""  # where to write each chart as PNG and SVG; empty means only show them

# %%
from IPython.display import Markdown, display

from analysis import corpus
from analysis.extract.themes import theme_names, theme_shares
from analysis.publish import compare, plots
from analysis.publish.labels import value_labels
from analysis.store import read_table

plots.set_lang(lang)

documents = read_table("documents", root)
documents = documents[documents.doc_id.isin(doc_ids)] if doc_ids else documents
groups, group_of = compare.group_documents(documents, group_by, lang)
sections = compare.regroup(read_table("sections", root), group_of)
section_themes = compare.regroup(read_table("section_themes", root), group_of)
targets = read_table("targets", root).query("doc_id in @group_of")
terms_of = compare.group_terms(read_table("section_terms", root), group_of)
source = plots.source_line(documents)
figures = plots.FigureSaver(figures_dir, prefix=f"cross_city-{group_by}" if group_by else "cross_city")
names = theme_names()
display(plots.say("cross_city.intro"))

# %%
display(plots.say("cross_city.read_first"))
note = compare.confounding_note(documents)
display(Markdown(f"> **⚠ {note}**") if note else plots.say("cross_city.no_confound"))
if group_by:
    display(
        plots.say("cross_city.grouped", by=compare.group_label(group_by, lang), n=len(groups), n_docs=len(documents))
    )
plots.table(documents[["doc_id", "jurisdiction_zh", "year", "genre", "title_zh", "n_chars", "n_items"]])

# %%
display(plots.say("cross_city.themes"))
shares = theme_shares(section_themes, sections)
wide = compare.theme_shares_wide(shares.query("theme_id in @themes") if themes else shares)
figures.save(plots.theme_shares_compare(wide, source, names, groups), "theme_shares")

# %%
theme_label = names.set_index("theme_id")[lang].to_dict() | value_labels(lang)["theme_id"]  # 未分类 too
plots.table((wide * 100).round(1).rename(index=theme_label, columns=plots.doc_labels(groups)).reset_index())

# %%
display(plots.say("cross_city.specificity"))
spec = compare.specificity(groups, sections, compare.regroup(targets, group_of))
figures.save(plots.specificity(spec, source), "specificity")

# %%
plots.table(spec.round(2))

# %%
plots.table(
    compare.commitment_mix(compare.regroup(targets, group_of))
    .pivot_table(index="commitment", columns="doc_id", values="n", fill_value=0)
    .rename(columns=plots.doc_labels(groups))
    .reset_index()
)

# %%
display(plots.say("cross_city.comparable"))
comparable = compare.comparable_targets(targets, documents)
figures.save(plots.comparable_targets(comparable, source), "comparable_targets")

# %%
plots.table(
    comparable[["group_label", "jurisdiction_zh", "year", "kind", "raw", "value", "unit", "comparator", "indicator"]],
    {"value": "{:,.10g}"},
)

# %%
display(plots.say("cross_city.similarity"))
similarity = corpus.doc_similarity(list(terms_of), list(terms_of.values()))
figures.save(plots.similarity_heatmap(similarity, source, groups), "similarity")

# %%
distinctive = corpus.distinctive_terms(terms_of)
figures.save(plots.distinctive_terms(distinctive, source, documents=groups), "distinctive_terms")

# %%
plots.table(
    distinctive.query("rank <= 10")
    .pivot_table(index="rank", columns="group", values="term", aggfunc="first")
    .rename(columns=plots.doc_labels(groups))
    .reset_index()
)

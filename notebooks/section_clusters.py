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
k: int = 0  # number of clusters; 0 chooses k by silhouette over 8-24
min_df: int = 2  # a term must occur in at least this many sections
seed: int = 0  # random seed (KMeans above 4,000 sections and the silhouette sample)
root: str = ".."  # project folder holding data/ (relative to this notebook)
lang: str = "zh"  # language of the charts, tables and text: zh (Chinese) or en (English)
figures_dir: str = ""  # where to write each chart as PNG and SVG; empty means only show them

# %%
import pandas as pd
from IPython.display import display

from analysis import corpus
from analysis.extract.themes import theme_names
from analysis.publish import plots
from analysis.store import read_table

plots.set_lang(lang)

documents = read_table("documents", root)
section_terms = read_table("section_terms", root)
ids, term_lists = section_terms.section_id.tolist(), section_terms.terms.tolist()
primary = read_table("section_themes", root).query("is_primary").set_index("section_id").theme_id
source = plots.source_line(documents)
figures = plots.FigureSaver(figures_dir, prefix=f"section_clusters-k{k}-min_df{min_df}-seed{seed}")
names = theme_names()
display(plots.say("section_clusters.intro"))

# %%
display(plots.say("section_clusters.how_many"))
X, _ = corpus.section_matrix(term_lists, min_df=min_df)
silhouette = corpus.silhouette_by_k(X, seed=seed)
chosen = k or corpus.best_k(silhouette, X.shape[0])
clusters, cluster_terms = corpus.cluster_sections(ids, term_lists, k=chosen, min_df=min_df, seed=seed)
display(
    plots.say(
        "section_clusters.summary",
        n_sections=len(ids),
        n_terms=X.shape[1],
        min_df=min_df,
        k=chosen,
        how=plots.say("section_clusters.k_given" if k else "section_clusters.k_best").data,
    )
)
display(plots.say("section_clusters.balance", **corpus.balance(clusters.cluster_id)))

# %%
figures.save(plots.silhouette(silhouette, chosen, source), "silhouette")

# %%
display(plots.say("section_clusters.by_document"))
figures.save(plots.cluster_sizes(clusters, source, documents), "cluster_sizes")

# %%
plots.table(
    cluster_terms.query("rank <= 8")
    .pivot_table(index="cluster_id", columns="rank", values="term", aggfunc="first")
    .reset_index()
)

# %%
display(plots.say("section_clusters.agreement"))
labels = primary.reindex(clusters.section_id).fillna("unclassified").to_numpy()
plots.table(pd.DataFrame([corpus.agreement(labels, clusters.cluster_id.to_numpy())]).round(3))

# %%
crosstab = pd.crosstab(labels, clusters.cluster_label.to_numpy())
figures.save(plots.cluster_theme_agreement(crosstab, source, names), "agreement")

"""minzheng: comparative analytics of Chinese civil-affairs (民政) work plans.

The folders follow the pipeline, each with its own module map:

- :mod:`analysis.ingest`: read, decode, clean;
- :mod:`analysis.parse`: the outline;
- :mod:`analysis.extract`: targets and themes;
- :mod:`analysis.corpus`: segmentation, terms, clusters, similarity, distinctive terms;
- :mod:`analysis.publish`: comparisons, charts, reports.

Around them: :mod:`analysis.pipeline` (one document through the stages),
:mod:`analysis.build` (the corpus, cached), :mod:`analysis.store` (tables on disk),
:mod:`analysis.schema` (every table's columns), :mod:`analysis.manifest`,
:mod:`analysis.resources` (the data files), :mod:`analysis.zh` (Chinese-text primitives),
:mod:`analysis.evaluate` (gold scoring) and :mod:`analysis.cli`.
"""

__version__ = "0.2.0"
__all__ = ["__version__"]

"""Extract stage: what each section says.

Module map:

- :mod:`~analysis.extract.targets`: quantities with units, comparators, kind and indicator;
- :mod:`~analysis.extract.themes`: the codebook's theme of every section, and theme shares.
"""

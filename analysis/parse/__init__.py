"""Parse stage: clean text to the outline (parts, items, sub-items) with lossless offsets.

Module map:

- :mod:`~analysis.parse.outline`: numbering styles, nesting, headings, the coverage invariant.
"""

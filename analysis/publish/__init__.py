"""Publish stage: comparisons, charts and reports for analysts.

Module map:

- :mod:`~analysis.publish.compare`: the comparison tables the notebooks show;
- :mod:`~analysis.publish.plots`: charts (PNG and SVG) with the CJK font, and report tables;
- :mod:`~analysis.publish.labels`: column headers, coded values and the notebooks' text in
  Chinese (default) or English;
- :mod:`~analysis.publish.fonts`: where that font lives;
- :mod:`~analysis.publish.report`: notebooks run with papermill into HTML reports;
- :mod:`~analysis.publish.brief`: the Word, PowerPoint and Excel briefing.
"""

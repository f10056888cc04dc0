"""minzheng: comparative analytics of Chinese civil-affairs (民政) work plans.

Modules are namespaces: :mod:`analysis.textio` (reading), :mod:`analysis.clean`
(boilerplate, spam, metadata), :mod:`analysis.outline` (sections), :mod:`analysis.schema`
(table schemas), :mod:`analysis.manifest`, :mod:`analysis.build` and :mod:`analysis.cli`.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]

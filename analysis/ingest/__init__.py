"""Ingest stage: a file's bytes to clean, normalised text with every removal recorded.

Module map:

- :mod:`~analysis.ingest.read`: read a regular file, decode (BOM, UTF-8, GB18030 …), normalise;
- :mod:`~analysis.ingest.clean`: mark boilerplate, metadata lines and spam (nothing deleted);
- :mod:`~analysis.ingest.metadata`: manifest fields suggested by the header block.
"""

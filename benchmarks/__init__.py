"""Synthetic-corpus generator and throughput benchmark (``make bench``)."""

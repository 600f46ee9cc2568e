"""Ingestion: read files into :class:`~kg.types.Article` and clean them for the NLP stage."""

from kg.ingest.clean import clean, clean_file, explain
from kg.ingest.readers import count_inputs, read_inputs

__all__ = ["read_inputs", "count_inputs", "clean", "clean_file", "explain"]

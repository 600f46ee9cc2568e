"""Evaluation of the extraction stages against annotated datasets (scripts and `kg eval`)."""

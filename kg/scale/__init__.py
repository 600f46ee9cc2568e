"""Building big corpora on one machine: batched transactional writes and a bounded-memory parallel build."""

from kg.scale.batched import BatchWriter, build_batched

__all__ = ["BatchWriter", "build_batched"]

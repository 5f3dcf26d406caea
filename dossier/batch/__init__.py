"""Batch runners: the same stages over many documents. Parallelism lives here,
never inside the stages."""

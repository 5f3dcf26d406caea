"""The analyst's desk: a local web app over the store (FastAPI + Jinja2)."""

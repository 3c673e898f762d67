"""Alembic migrations of the clinical-records schema (run by ``mesoplan db upgrade``)."""

"""Alembic migrations of the rempart schema (applied by ``rempart db upgrade`` or on start-up)."""

"""The store: every table, seat and action, written before it is acknowledged, in SQLite by
default or PostgreSQL. The only package that speaks SQL."""

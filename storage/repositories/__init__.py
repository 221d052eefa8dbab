"""Repositories: the only code that speaks SQL. They return plain data, never text for people."""

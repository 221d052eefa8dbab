"""Persistence: the SQLite connection, migrations, repositories and the FSM storage."""

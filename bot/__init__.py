"""Mentorship programme bot: the application layer and the domain services."""

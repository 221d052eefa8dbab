"""Questionnaires and other dialogues held as data, driven by one runner in ``handlers``."""

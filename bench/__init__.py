"""Benchmarks: speed and memory goals are measured here, not asserted in unit tests.

``python -m bench`` runs them all and writes the figures to ``bench/results/``.
"""

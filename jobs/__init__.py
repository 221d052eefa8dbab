"""Scheduled work: each job re-reads the database and sends through the outbox.

A job never lives in a handler module; it may use the views (texts and keyboards) of
``handlers``' view modules, never a router. ``bot/jobs_wiring.py`` adds each job to the scheduler.
"""

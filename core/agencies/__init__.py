"""Adapters for the agencies a renewal is checked against (health, fines, courts, manpower).

Each agency has one small interface (``base.py``) and two implementations: an HTTP client for
the real service and a local simulator (default for the demo and tests). ``registry.py`` picks
one per agency from settings.
"""

"""The first migrations of the application tables, from when every application was a renewal.

No code lives here: ``core.applications`` took the tables over (its migration ``0001``), and
this app stays installed only so that existing databases and new ones run the same history.
"""

"""Applicants' documents: uploaded once, validated by content, archived content-addressed, and
reused by every later application while still valid (see docs/documents.md)."""

"""Writes of the residency domain: plain functions, keyword-only, one transaction each."""

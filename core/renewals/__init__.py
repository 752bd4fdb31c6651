"""Renewal applications: a sponsor renews the residency of the people it sponsors in one go."""

"""Sponsors that act through staff — companies, government bodies, missions: registering them,
and their owners granting and revoking delegates' scopes (docs/integrators.md)."""

"""Visit permits: what issuing a visit application gives — a relative from abroad may stay
with their host for the months paid, verifiable by a code (docs/visits.md)."""

"""The residency domain: people, sponsors, dependents, permits and the rules that govern them."""

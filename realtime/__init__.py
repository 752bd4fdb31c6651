"""Live updates: the GraphQL websocket consumer, subscriptions and the fan-out of domain events."""

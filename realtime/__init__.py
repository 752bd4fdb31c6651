"""Live updates: the fan-out of domain events to websocket subscribers over the channel layer
(a publisher; the subscriptions themselves are part of the GraphQL schema, in ``schema/``)."""

"""The GraphQL layer: thin types, filters and mutations over ``core``."""

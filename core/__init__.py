"""The leaf package: the project's vocabulary, domain rules and typed configuration.

Every other package may import ``core``; ``core`` imports only the standard library,
pydantic and pydantic-settings, so it can never take part in an import cycle.
"""

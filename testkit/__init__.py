"""Loopback servers for the offline demo, the tests and the benchmarks; never used by a production run.

``testkit.site`` serves a directory over HTTP with scripted faults (and bundles the demo's
sample site), ``testkit.smtp`` is a scripted SMTP server and mail sink, ``testkit.ports``
finds a free port for servers that must be told one.
"""

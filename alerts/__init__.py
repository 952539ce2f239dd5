"""Alerts: matching and reminders into the outbox, message building, and SMTP delivery.

The SQL lives in ``store.matching``, ``store.notice_alerts``, ``store.reminders`` and ``store.outbox``; this package decides what to say
and how to deliver it. See docs/delivery.md for the delivery guarantee.
"""

"""Metrics over a filtered log: complexity, rework, hand-offs, time, deadline, citizen view."""

"""Deadline digests by email and calendar feeds: each agency hears what is due and what is late."""

"""The database: the source of truth for documents, dispatches, tasks and their history."""

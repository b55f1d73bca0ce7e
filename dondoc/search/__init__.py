"""Index and query: SQLite FTS5 (default) and Elasticsearch behind one contract."""

"""Index and query: the embedded index (SQLite + roaring postings, default) and Elasticsearch behind one contract."""

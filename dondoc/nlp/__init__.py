"""Text -> dispatch record. Pure functions over strings; no storage, search or web imports."""

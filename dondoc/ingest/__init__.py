"""File -> pages of text. One reader per file type, chosen by the detected type (not the name)."""

"""Versioned schema migrations shared by every SQL dialect (one ``NNNN_name.sql`` file each)."""

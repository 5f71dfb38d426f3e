"""Makes this folder the package ``generator.templates`` in an installed mindreel, so the
default templates ship as package data. It holds no code."""

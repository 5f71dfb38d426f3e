"""Makes this folder the package ``generator.data`` in an installed mindreel, so the
bundled catalogue and safety rules ship as package data. It holds no code."""

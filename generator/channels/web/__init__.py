"""The web channel: Edition -> archive page and feed item; the feeds and archive index.

- ``pages``: the edition's archive page, help page and feed item, and the archive index;
- ``feeds``: RSS 2.0, Atom and JSON Feed from the ledger's latest entries.
"""

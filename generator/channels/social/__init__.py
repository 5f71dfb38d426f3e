"""The social channel: Edition -> posts per platform, counted and fitted, and the bulk files.

- ``channel``: the renderer the build calls; chooses the copy for each platform;
- ``rules``: platform limits (platforms.yaml, shipped in the package);
- ``count``: each platform's own way of counting a post;
- ``fit``: shortening in a fixed order, never dropping the helpline or content warning;
- ``export``: posts.json and the scheduling tools' import files.
"""

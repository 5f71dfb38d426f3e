"""The email channel: Edition -> email.html, email.txt, email.eml and the ESP hand-off file.

- ``channel``: the renderer the build calls, and the files it writes;
- ``copy``: the words of the email, per locale;
- ``html``: MJML compile, CSS inlining and the colour palettes;
- ``mime``: the byte-stable ``.eml``;
- ``esp``: what each email service provider's import needs.
"""

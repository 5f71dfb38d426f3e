"""Share cards: typographic PNGs for posts and link previews, with their alt text.

- ``palette``: colours per category, WCAG AA contrast, the palette PNG's ramps;
- ``fonts``: the bundled Latin + Hangul font (never a system font) and text cleaning;
- ``layout``: wrap, shrink to a floor, or fail, with the text boxes tests check;
- ``design``: the card kinds, their sizes and safe areas, what each card says;
- ``draw``: paint and encode a card; ``alt``: its alt text;
- ``channel``: ``render`` (the channel) and ``edition_cards`` (for web and social).
"""

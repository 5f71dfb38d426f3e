"""Crisis and support lines: what the data holds, what readers see, what editors check.

- ``models``: helplines.yaml's records (reader fields apart from sources and research notes);
- ``views``: the lines of an edition's audience, resolved for its locale, with tap links;
- ``report``: ``mindreel catalogue``'s listing of every line with its sources and notes.
"""

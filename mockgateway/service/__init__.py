"""The application layer: the ``Gateway`` facade every adapter calls."""

"""Discord features, one extension each: asking, browsing the library, administration."""

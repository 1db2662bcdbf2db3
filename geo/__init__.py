"""Grid readers, kommun assignment and the gleshet measures (SOU 2024:50, GLESHET.md).

`geo` knows nothing of the utjämning engine.
"""

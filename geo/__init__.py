"""Grid readers, kommun assignment and the gleshet measures (SOU 2024:50, GLESHET.md).

`geo` knows nothing of the utjämning's law; it shares the tool's error hierarchy (engine/errors.py) and the
rule sets' YAML loader (engine.params.load_yaml).
"""

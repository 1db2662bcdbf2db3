"""Wiring of `geo` (grid measures) and `engine` (utjämning): CLI, pipelines, manifests.

Keep this module free of third-party imports: `python3 -m pipelines.run` must work before any
dependency is installed.
"""

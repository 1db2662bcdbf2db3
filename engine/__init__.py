"""The utjämning engine: kommunalekonomisk utjämning and LSS-utjämning, current rules and SOU 2024:50.

`engine` knows nothing of population grids; it consumes fixed index tables and per-kommun inputs.
"""

"""The shipped data of utjamning (data/README.md). Installed as the package ``utjamning_data``; code finds it
through engine.paths.DATA, never by a path of its own."""

"""The app's models, one module per topic (each imported here so that Django finds them)."""

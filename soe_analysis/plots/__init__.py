"""plots: see the package layout in README."""

"""text: see the package layout in README."""

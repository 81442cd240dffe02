"""io: see the package layout in README."""

"""Interoperability with other tools' file formats (SCALE-Sim configurations and reports)."""

"""Validation of accelsim's models against published measurements and reference tools."""

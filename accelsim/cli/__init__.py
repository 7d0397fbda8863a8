"""The `accelsim` command line."""

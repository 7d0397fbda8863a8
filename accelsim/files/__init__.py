"""Reading the files users give: one place that checks paths, decodes text and parses
JSON/TOML/YAML/CSV safely, so every loader fails the same way (one line naming the file)."""

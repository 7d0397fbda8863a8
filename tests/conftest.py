"""Test configuration: hypothesis runs derandomized by default, so every run of the suite checks
the same examples (reproducible CI); `--hypothesis-profile=explore` searches with fresh random
examples each run."""

from hypothesis import settings

settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile("default")

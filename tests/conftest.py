"""Test configuration: hypothesis runs derandomized by default, so every run of the suite checks
the same examples (reproducible CI); `--hypothesis-profile=explore` searches with fresh random
examples each run."""

from hypothesis import settings

settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile("default")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_result_store(tmp_path_factory, monkeypatch):
    """Every test's `accelsim explore` keeps its results in a fresh directory, never the user's
    cache (so no test depends on another's stored results)."""
    monkeypatch.setenv("ACCELSIM_CACHE_DIR", str(tmp_path_factory.mktemp("accelsim-cache")))

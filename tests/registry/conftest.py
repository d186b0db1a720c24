import pytest

from tests.registry.brreg import register_api


@pytest.fixture
def register(settings):
    """The register's API on a real socket (see brreg.RegisterServer)."""
    with register_api(settings) as server:
        yield server

"""A small registry in 德州: the vocabulary comes from the seed migration."""

import pytest

from tests.factories import city_region, county_region
from tongban.naming import services


@pytest.fixture
def dezhou():
    return city_region()


@pytest.fixture
def registry(dezhou):
    """Names registered in 德州市 (one national, one in 济南 without a platform region)."""
    for name in [
        "德州市鑫源食品有限公司",
        "德州市宏达科技有限公司",
        "德州市华宇建筑工程有限公司",
        "德州市金禾源农业科技有限公司",
    ]:
        services.register_name(name, region=dezhou)
    services.register_name("济南市泰和商贸有限公司")
    services.register_name("远航物流股份有限公司")
    return dezhou


@pytest.fixture
def county():
    return county_region()

import copy
import uuid

import pytest


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Rate-limit counters live in the cache: every test starts with none, in a key space of
    its own (a fresh key prefix). Not by clearing the cache: with Redis that empties the
    database which the other test processes (``-n 2``) use at the same moment, and a
    parallel test then lost the counts it was about to check."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"defects-test-{uuid.uuid4().hex}"
    settings.CACHES = caches

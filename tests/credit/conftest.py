from tests.cases.conftest import PDF, World, world  # noqa: F401  (the case tests' world)

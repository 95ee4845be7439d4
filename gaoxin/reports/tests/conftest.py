from gaoxin.cases.tests.conftest import people  # noqa: F401  (fixtures reused)
from gaoxin.enterprises.tests.conftest import make_enterprise, refdata, staff  # noqa: F401
from gaoxin.indicators.tests.conftest import catalog, officers  # noqa: F401

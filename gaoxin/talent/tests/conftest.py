from gaoxin.innovation.tests.conftest import world  # noqa: F401 - the same units, officers and enterprise

"""The people and reports around the statistics: those of the report lifecycle."""

from tests.reports.conftest import cast, dispositioned, make_report  # noqa: F401

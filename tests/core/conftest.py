"""The people around a report, for the worker tests that need reports."""

from tests.reports.conftest import cast, dispositioned, make_report  # noqa: F401

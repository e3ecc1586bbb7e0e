# The people around a report, shared with the lifecycle tests.
from tests.reports.conftest import cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

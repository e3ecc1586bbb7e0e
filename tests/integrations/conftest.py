from tests.reports.conftest import cast, dispositioned, make_report

__all__ = ["cast", "dispositioned", "make_report"]

"""What follows every event of a report's timeline, in the event's own transaction.
A package that keeps something of its own in step with the reports — the
statistics' queue, the agencies' webhooks — declares a follower in its
``AppConfig`` (``report_followers = ("dotted.path",)``): ``f(*, report, event,
now)``, which may only queue (an INSERT of its own), never change the report. The
reports' services call them after writing each event, and import none of them."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string


@cache
def report_followers() -> tuple[Callable[..., Any], ...]:
    """Every installed package's followers, in ``INSTALLED_APPS`` order."""
    return tuple(
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "report_followers", ())
    )

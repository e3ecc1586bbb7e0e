"""What a report's page shows of its community: supports and comments."""

from typing import Any

from django.http import HttpRequest

from aduan.reports.models import Report
from aduan.reports.policy import Actor


def community_context(request: HttpRequest, actor: Actor, report: Report) -> dict[str, Any]:
    """The context for web/community/_panel.html on a report's page."""
    return {}

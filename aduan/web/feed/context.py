"""What a report's page shows of its community: supports and comments."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.urls import reverse

from aduan.community import selectors, services
from aduan.community.models import COMMENT_MAX_LENGTH
from aduan.reports.models import Report
from aduan.reports.policy import Actor

# The tag of the messages the community's actions leave: the panel shows them, by
# the supports and comments; the page shows every other message once, at its top.
COMMUNITY_TAG = "community"


def community_context(request: HttpRequest, actor: Actor, report: Report) -> dict[str, Any]:
    """The context for web/community/_panel.html on a report's page, under one key
    (``community``) so that it never collides with the page's own. None when the
    report is not public: then there is nothing to support or comment on, and the
    panel shows nothing. At most two queries. ``page_messages``: the messages the
    page shows at its top (those of the panel are not shown twice)."""
    pending = list(get_messages(request))
    page_messages = [m for m in pending if m.extra_tags != COMMUNITY_TAG]
    if not services.is_open_to_community(report):
        # No panel: its messages (a support taken back as the report closed) show on top.
        return {"community": None, "page_messages": pending}
    back = reverse("web:report", kwargs={"number": report.tracking_number})
    comments = selectors.comment_list(actor=actor, report=report)
    return {
        "community": {
            "number": report.tracking_number,
            "support_count": report.support_count,
            "supported": selectors.supports(actor=actor, report=report),
            "signed_in": actor.user is not None,
            "can_support": services.may_support(actor=actor, report=report),
            "is_moderator": actor.role == "national_admin",
            "login_url": f"{reverse('web:login')}?{urlencode({'next': back})}",
            "comments": comments,
            "comments_capped": len(comments) >= selectors.COMMENTS_SHOWN,
            "comment_max": COMMENT_MAX_LENGTH,
            "messages": [m for m in pending if m.extra_tags == COMMUNITY_TAG],
        },
        "page_messages": page_messages,
    }

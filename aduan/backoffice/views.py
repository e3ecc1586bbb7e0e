from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from aduan.backoffice.auth import staff_required
from aduan.backoffice.cases.lists import lists_for
from aduan.backoffice.dashboard.figures import home_summary
from aduan.outbox.selectors import notices_for_staff
from aduan.reports.policy import Actor


@require_safe
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The staff member's start page: the lists of their role."""
    role = request.user.role  # type: ignore[union-attr]
    summary = home_summary(Actor.for_user(request.user))  # type: ignore[arg-type]
    return render(request, "backoffice/home.html", {"lists": lists_for(role), "summary": summary})


@require_safe
@staff_required
def notices(request: HttpRequest) -> HttpResponse:
    """The staff member's notices: deadlines passed, escalations, reminders."""
    user_id = request.user.pk
    assert user_id is not None
    return render(
        request, "backoffice/notices.html", {"notices": notices_for_staff(user_id=user_id)}
    )


def not_yet(request: HttpRequest) -> HttpResponse:
    """A page named in the back office's map whose work has not landed yet."""
    raise Http404

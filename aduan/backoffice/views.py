from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from aduan.backoffice.auth import staff_required


@require_safe
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The staff member's start page: the lists of their role."""
    return render(request, "backoffice/home.html")


def not_yet(request: HttpRequest) -> HttpResponse:
    """A page named in the back office's map whose work has not landed yet."""
    raise Http404

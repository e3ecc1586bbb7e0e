"""The service counter (loket): staff enter a walk-in citizen's report and print
the receipt with its tracking number."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from aduan.backoffice.auth import staff_required
from aduan.intake.selectors import counter_region
from aduan.intake.services import COUNTER_ROLES, intake_counter, intake_counter_receipt
from aduan.lib.errors import AduanError, InvalidInput, NotFound
from aduan.lib.qr import qr_svg
from aduan.reports.notices import report_follow_url
from aduan.reports.policy import Actor
from aduan.reports.tracking import tracking_number_display

from .forms import CounterForm

# The service's names for fields the form calls otherwise.
_FIELDS = {"identity": "contact", "phone": "contact", "email": "contact"}


def _counter_actor(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)  # type: ignore[arg-type]
    if actor.role not in COUNTER_ROLES:
        raise Http404
    return actor


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    actor = _counter_actor(request)
    # The form starts at the region the clerk's agency serves.
    initial = {"region": counter_region(agency_id=actor.agency_id)}
    form = CounterForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = intake_counter(
                    staff=actor,
                    name=data["name"],
                    contact=data["contact"],
                    type=data["type"],
                    title=data["title"],
                    body=data["body"],
                    category=data["category"],
                    region=data["region"],
                    incident_date=data["incident_date"],
                    address=data["address"],
                    anonymous=data["anonymous"],
                    confidential=data["confidential"],
                    files=data["attachments"],
                )
            except InvalidInput as error:
                field = _FIELDS.get(error.field or "", error.field)
                form.add_error(field if field in form.fields else None, str(error.message))
            except AduanError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                return redirect("backoffice:counter_receipt", number=report.tracking_number)
    return render(request, "backoffice/counter/form.html", {"form": form}, status=status)


@staff_required
@require_safe
def counter_receipt(request: HttpRequest, number: str) -> HttpResponse:
    actor = _counter_actor(request)
    try:
        report = intake_counter_receipt(staff=actor, number=number)
    except NotFound:
        raise Http404 from None
    follow_url = report_follow_url(report)
    context = {
        "report": report,
        "number": tracking_number_display(report.tracking_number),
        "follow_url": follow_url,
        "follow_qr": qr_svg(follow_url, title=_("Kode QR tautan laporan ini"), scale=3),
        "sms_code": settings.SMS_SHORTCODE,
    }
    return render(request, "backoffice/counter/receipt.html", context)

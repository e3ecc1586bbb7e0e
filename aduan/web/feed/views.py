"""The public feed with search, and the community's actions on a report's page
(Dukung, comments, abuse reports, moderation). Each action is a POST that redirects
back to the report's page with a message; nothing here decides who may do what."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from aduan.community import selectors as community
from aduan.community import services
from aduan.community.models import Comment
from aduan.lib.errors import AduanError, InvalidInput, NotFound
from aduan.lib.ratelimit import limited
from aduan.reports import search
from aduan.reports.models import Report
from aduan.reports.policy import Actor
from aduan.reports.selectors import report_get
from aduan.web.feed.context import COMMUNITY_TAG
from aduan.web.feed.forms import FEED_SORTS, FEED_STATES, FeedForm

_CURSORS = ("sebelum", "sesudah")
# Every parameter that names a page: a new page link drops them all.
_PAGING = (*_CURSORS, "halaman")


@dataclass(frozen=True, slots=True)
class Row:
    report: Report
    category: str
    place: str


def _in_english() -> bool:
    return (get_language() or "").startswith("en")


def _category_label(report: Report) -> str:
    if report.category is None:
        return ""
    return report.category.label


def _page_url(request: HttpRequest, **cursor: str) -> str:
    params = request.GET.copy()
    for name in _PAGING:
        params.pop(name, None)
    params.update(cursor)
    return f"{reverse('web:feed')}?{params.urlencode()}"


def _count_text(count: int) -> str:
    """The number found ("1.234 laporan"), or "Lebih dari 1.000 laporan" past the
    bounded count."""
    if count > search.COUNT_LIMIT:
        limit = number_format(search.COUNT_LIMIT, force_grouping=True)
        return _("Lebih dari %(n)s laporan") % {"n": limit}
    shown = number_format(count, force_grouping=True)
    return ngettext("%(n)s laporan", "%(n)s laporan", count) % {"n": shown}


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """Public reports, newest first (or best match first, when chosen while
    searching), with filters, search and the number found. Works without JavaScript: the city select
    fills once the form is sent with a province."""
    form = FeedForm(request.GET)
    form.is_valid()  # invalid filters are shown and left out; the others apply
    data = form.cleaned_data
    filters = form.filters()
    matches = search.search_matches(filters)
    found = matches.count
    if form.by_relevance():
        ranked = search.report_feed_ranked(filters=filters, page=data.get("halaman") or 1)
        reports = ranked.reports
        number = ranked.number
        older_url = _page_url(request, halaman=str(number + 1)) if ranked.has_next else None
        newer_url = _page_url(request, halaman=str(number - 1)) if number > 1 else None
        first_url = _page_url(request) if number > 2 else None
    else:
        page = search.report_feed(
            filters=filters,
            before=data.get("sebelum"),
            after=data.get("sesudah"),
            found=found,
            matches=matches,
        )
        reports = page.reports
        older_url = _page_url(request, sebelum=str(page.older)) if page.older else None
        newer_url = _page_url(request, sesudah=str(page.newer)) if page.newer else None
        first_url = _page_url(request) if page.newer else None
    province, regency = data.get("provinsi") or "", data.get("kota") or ""
    english = _in_english()
    context = {
        "form": form,
        "values": {name: data.get(name) or "" for name in FeedForm.base_fields},
        "provinces": search.provinces(),
        "regencies": search.regencies(province) if province else [],
        "category_groups": [
            (
                group.code,
                group.name_en if english else group.name,
                group.children_en if english else group.children,
            )
            for group in search.category_groups()
        ],
        "agencies": search.agency_options(
            region=regency or province or None, chosen=data.get("instansi") or None
        ),
        "states": FEED_STATES,
        "sorts": FEED_SORTS,
        "types": FeedForm.base_fields["jenis"].choices[1:],  # type: ignore[attr-defined]
        "rows": [
            Row(report, _category_label(report), search.place_name(report.region))
            for report in reports
        ],
        "count_text": _count_text(found),
        "searching": bool(filters.q),
        "cursor_fields": _PAGING,
        "older_url": older_url,
        "newer_url": newer_url,
        "first_url": first_url,
    }
    return render(request, "web/feed/feed.html", context)


# -- on a report's page ---------------------------------------------------------------


def _report_url(report: Report, anchor: str) -> str:
    return reverse("web:report", kwargs={"number": report.tracking_number}) + anchor


def _login_redirect(back: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('web:login')}?{urlencode({'next': back})}")


def _report_or_404(actor: Actor, number: str) -> Report:
    """The report as the policy lets this visitor see it; one they may not see does
    not exist (404), whatever they may be trying to do with it."""
    try:
        report, _view = report_get(actor=actor, tracking_number=number)
    except (InvalidInput, NotFound):
        raise Http404 from None
    return report


def _comment_or_404(actor: Actor, comment_id: int) -> Comment:
    try:
        return community.comment_get(actor=actor, comment_id=comment_id)
    except NotFound:
        raise Http404 from None


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)  # type: ignore[arg-type]


def _support_change(
    request: HttpRequest,
    number: str,
    change: Callable[..., bool],
    done: str,
    unchanged: str,
) -> HttpResponse:
    """Adds or takes back the visitor's support and says which happened."""
    actor = _actor(request)
    report = _report_or_404(actor, number)
    back = _report_url(report, "#dukungan")
    if actor.user is None:
        return _login_redirect(back)
    try:
        changed = change(actor=actor, report=report)
        (messages.success if changed else messages.info)(
            request, done if changed else unchanged, extra_tags=COMMUNITY_TAG
        )
    except AduanError as error:
        messages.error(request, str(error.message), extra_tags=COMMUNITY_TAG)
    return HttpResponseRedirect(back)


@require_POST
@limited("support")
def support_add(request: HttpRequest, number: str) -> HttpResponse:
    return _support_change(
        request,
        number,
        services.support_add,
        _("Terima kasih, dukungan Anda tercatat."),
        _("Anda sudah mendukung laporan ini."),
    )


@require_POST
@limited("support")
def support_remove(request: HttpRequest, number: str) -> HttpResponse:
    return _support_change(
        request,
        number,
        services.support_remove,
        _("Dukungan Anda dibatalkan."),
        _("Anda belum mendukung laporan ini."),
    )


@require_POST
@limited("comment")
def comment_add(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    report = _report_or_404(actor, number)
    if actor.user is None:
        return _login_redirect(_report_url(report, "#komentar-baru"))
    try:
        comment = services.comment_add(actor=actor, report=report, body=request.POST.get("isi", ""))
    except AduanError as error:
        messages.error(request, str(error.message), extra_tags=COMMUNITY_TAG)
        return HttpResponseRedirect(_report_url(report, "#komentar-baru"))
    messages.success(request, _("Komentar Anda sudah tampil."), extra_tags=COMMUNITY_TAG)
    return HttpResponseRedirect(_report_url(report, f"#komentar-{comment.pk}"))


@require_POST
@limited("comment")
def comment_report_abuse(request: HttpRequest, comment_id: int) -> HttpResponse:
    actor = _actor(request)
    comment = _comment_or_404(actor, comment_id)
    back = _report_url(comment.report, f"#komentar-{comment.pk}")
    if actor.user is None:
        return _login_redirect(back)
    try:
        if services.comment_report_abuse(actor=actor, comment=comment):
            messages.success(
                request,
                _("Terima kasih, admin akan memeriksa komentar ini."),
                extra_tags=COMMUNITY_TAG,
            )
        else:
            messages.info(
                request, _("Anda sudah melaporkan komentar ini."), extra_tags=COMMUNITY_TAG
            )
    except AduanError as error:
        messages.error(request, str(error.message), extra_tags=COMMUNITY_TAG)
    return HttpResponseRedirect(back)


def _moderate(request: HttpRequest, comment_id: int, *, hide: bool) -> HttpResponse:
    actor = _actor(request)
    comment = _comment_or_404(actor, comment_id)
    back = _report_url(comment.report, f"#komentar-{comment.pk}")
    if actor.user is None:
        return _login_redirect(back)
    try:
        if hide:
            services.comment_hide(
                actor=actor, comment=comment, reason=request.POST.get("alasan", "")
            )
            messages.success(request, _("Komentar disembunyikan."), extra_tags=COMMUNITY_TAG)
        else:
            services.comment_unhide(actor=actor, comment=comment)
            messages.success(request, _("Komentar ditampilkan lagi."), extra_tags=COMMUNITY_TAG)
    except AduanError as error:
        messages.error(request, str(error.message), extra_tags=COMMUNITY_TAG)
    return HttpResponseRedirect(back)


@require_POST
def comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, hide=True)


@require_POST
def comment_unhide(request: HttpRequest, comment_id: int) -> HttpResponse:
    return _moderate(request, comment_id, hide=False)

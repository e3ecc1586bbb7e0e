from django.contrib import admin

from aduan.reports.models import DeadlinePolicy


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin[DeadlinePolicy]):
    """Deadlines are data: a new regulation is a new row with its effective date."""

    list_display = (
        "report_type",
        "category",
        "effective_from",
        "verify_days",
        "first_follow_up_days",
        "completion_days",
        "inspection_completion_days",
        "reply_days",
    )
    list_filter = ("report_type",)
    raw_id_fields = ("category",)
    list_select_related = ("category",)
    search_fields = ("category__code", "category__name", "source")
    date_hierarchy = "effective_from"

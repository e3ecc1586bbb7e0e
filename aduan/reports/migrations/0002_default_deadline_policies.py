"""The deadlines the regulation sets, as the policy table's first rows. Later
regulations are new rows with their own effective date (through the admin)."""

import datetime

from django.db import migrations

REGULATION = (
    "LAPOR!: verification 3, first follow-up 5, auto-close 10 working days; "
    "PermenPANRB 62/2018: completion 5 (information, aspiration), 14 (complaint), "
    "60 (complaint needing an inspection)"
)
DEFAULTS = {
    "information_request": {"completion_days": 5},
    "aspiration": {"completion_days": 5},
    "complaint": {"completion_days": 14, "inspection_completion_days": 60},
}


def create(apps, schema_editor):
    policy = apps.get_model("reports", "DeadlinePolicy")
    for report_type, figures in DEFAULTS.items():
        policy.objects.get_or_create(
            report_type=report_type,
            category=None,
            effective_from=datetime.date(2018, 1, 1),
            defaults={
                "verify_days": 3,
                "supply_info_days": 10,
                "first_follow_up_days": 5,
                "reply_days": 10,
                "source": REGULATION,
                **figures,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

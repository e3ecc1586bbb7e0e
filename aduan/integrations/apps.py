from django.apps import AppConfig

from aduan.core.jobs import WorkerJob


class IntegrationsConfig(AppConfig):
    name = "aduan.integrations"
    default_auto_field = "django.db.models.BigAutoField"
    jobs = (WorkerJob("webhooks", "aduan.integrations.webhooks.webhooks_deliver_due", 5),)
    # Every report event an agency's system subscribed to is queued for its webhook.
    report_followers = ("aduan.integrations.webhooks.webhooks_follow",)

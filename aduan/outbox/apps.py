from django.apps import AppConfig
from django.utils.translation import pgettext_lazy

from aduan.core.jobs import WorkerJob


class OutboxConfig(AppConfig):
    name = "aduan.outbox"
    verbose_name = pgettext_lazy("admin", "Pesan keluar")
    jobs = (WorkerJob("outbox", "aduan.outbox.services.messages_deliver_due", 1, stops=True),)
    metrics = ("aduan.outbox.metrics.outbox_metrics",)

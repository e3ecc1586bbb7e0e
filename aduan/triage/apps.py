from django.apps import AppConfig
from django.utils.translation import pgettext_lazy

from aduan.core.jobs import WorkerJob


class TriageConfig(AppConfig):
    name = "aduan.triage"
    verbose_name = pgettext_lazy("admin", "Triase")
    jobs = (
        WorkerJob("triage training", "aduan.triage.services.triage_train_due", 600),
        # Off unless ADUAN_TRIAGE_AUTO_DISPOSE: then reports waiting for verification.
        WorkerJob("triage automatic disposition", "aduan.triage.services.triage_auto_dispose", 30),
    )

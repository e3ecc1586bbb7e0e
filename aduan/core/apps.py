from django.apps import AppConfig

from aduan.core.jobs import WorkerJob


class CoreConfig(AppConfig):
    name = "aduan.core"
    jobs = (WorkerJob("idempotency keys", "aduan.core.idempotency.idempotency_keys_purge", 3600),)
    metrics = ("aduan.core.beats.worker_metrics",)

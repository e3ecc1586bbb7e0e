from django.apps import AppConfig

from aduan.core.jobs import WorkerJob


class IntakeConfig(AppConfig):
    name = "aduan.intake"
    label = "intake"
    verbose_name = "Intake"
    jobs = (
        WorkerJob("chat files", "aduan.intake.files.files_fetch_due", 5, stops=True),
        WorkerJob("conversations", "aduan.intake.conversation.conversations_sweep", 60, stops=True),
    )

from django.tasks import task

from aduan.outbox.services import message_deliver


@task()
def message_deliver_task(message_id: int) -> None:
    """The worker's side of the outbox: deliver one message (failures are recorded on
    the message, so the task itself succeeds)."""
    message_deliver(message_id=message_id)

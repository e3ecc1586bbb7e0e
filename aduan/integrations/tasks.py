from django.tasks import task

from aduan.integrations.webhooks import webhook_deliver


@task()
def webhook_deliver_task(webhook_id: int) -> None:
    """The worker's side of webhooks: send a webhook's due deliveries in order
    (failures are recorded on the deliveries, so the task itself succeeds)."""
    webhook_deliver(webhook_id=webhook_id)

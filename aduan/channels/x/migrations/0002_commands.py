import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_delivery_reports"),
        ("x", "0001_inbound_posts"),
    ]

    operations = [
        migrations.RenameModel("MentionsCursor", "PollCursor"),
        migrations.AddField(
            model_name="pollcursor",
            name="stream",
            field=models.CharField(
                choices=[("mentions", "Mentions"), ("direct", "Direct")],
                default="mentions",
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="pollcursor",
            name="account_id",
            field=models.CharField(max_length=32),
        ),
        migrations.AddConstraint(
            model_name="pollcursor",
            constraint=models.UniqueConstraint(
                fields=("account_id", "stream"), name="x_cursor_per_stream"
            ),
        ),
        migrations.AddField(
            model_name="inboundpost",
            name="kind",
            field=models.CharField(
                choices=[("post", "Post"), ("direct", "Direct")], default="post", max_length=8
            ),
        ),
        migrations.AlterField(
            model_name="inboundpost",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("report", "Report"),
                    ("status", "Status"),
                    ("reply", "Reply"),
                    ("help", "Help"),
                    ("refused", "Refused"),
                    ("limited", "Limited"),
                ],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="inboundpost",
            name="answer",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="outbox.message",
            ),
        ),
        migrations.AlterField(
            model_name="inboundpost",
            name="author_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="inboundpost",
            index=models.Index(fields=["author_hash", "received_at"], name="x_author_time"),
        ),
    ]

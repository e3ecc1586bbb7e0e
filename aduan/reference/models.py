from django.db import models


class DataLoad(models.Model):
    """One completed run of load_reference_data: what was loaded, from which sources
    (their digest), so running it again with unchanged sources does nothing."""

    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"{self.loaded_at:%Y-%m-%d %H:%M} {self.digest[:12]}"

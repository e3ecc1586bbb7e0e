from django.utils.translation import gettext_lazy as _

from aduan.lib.errors import Conflict


class WrongState(Conflict):
    """The action does not exist in the report's current state."""

    default_code = "wrong_state"
    default_message = _("Tindakan ini tidak dapat dilakukan pada status laporan saat ini.")


class StaleReport(Conflict):
    """Someone else changed the report since the actor loaded it."""

    default_code = "stale_report"

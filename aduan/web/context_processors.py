"""What every page's template may use besides its view's context."""

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, str]:
    """The service's name as the deployment calls it (``ADUAN_SERVICE_NAME``), for
    titles, headers and footers: citizens see the service, not the software."""
    return {"service_name": settings.SERVICE_NAME}

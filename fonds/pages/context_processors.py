from typing import Any

from django.conf import settings
from django.http import HttpRequest


def archive(request: HttpRequest) -> dict[str, Any]:
    return {"archive_name": settings.ARCHIVE_NAME, "archive_logo": settings.ARCHIVE_LOGO_URL}

"""Small helpers every app's views share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def paginate(request, queryset, per_page: int = 25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def absolute_url(path: str) -> str:
    """``path`` on the platform's public address (SITE_URL): every link in an e-mail or a calendar feed."""
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def query_string(request, *keys) -> str:
    """The listed GET parameters as a query string, to keep filters and page across htmx edits."""
    from django.utils.http import urlencode

    return urlencode({k: request.GET[k] for k in keys if request.GET.get(k)})

"""Small helpers every app's views share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


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


DEFAULT_COUNT_CAP = 1000  # rows a capped list counts exactly; beyond it the page says "more than 1,000"


def capped_count(queryset, cap: int = DEFAULT_COUNT_CAP) -> int:
    """How many rows ``queryset`` has, counting no further than ``cap + 1``: only their keys, unsorted, in a
    subquery with a limit. A common word matches most of a national log (bench: "genbrug", 19 000 progress
    entries, 42 ms to count them all and 3 ms to count 1,001), and nobody pages past the thousandth result."""
    if isinstance(queryset, QuerySet):
        return queryset.order_by().values("pk")[:cap + 1].count()
    return min(len(queryset), cap + 1)


class CappedPaginator(Paginator):
    """Pages of at most ``cap`` results (``capped_count``); ``more`` says there are more than that."""

    def __init__(self, object_list, per_page, cap: int = DEFAULT_COUNT_CAP, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def counted(self) -> int:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def more(self) -> bool:
        return self.counted > self.cap

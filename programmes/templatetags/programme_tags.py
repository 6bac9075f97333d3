from django import template

from programmes.display import format_dkk

register = template.Library()


@register.filter
def dkk(value) -> str:
    """Money as DKK with the current language's thousands separator: 5.460.000 DKK."""
    return format_dkk(value)

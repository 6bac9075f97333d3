"""Small middleware of the platform's own (settings.MIDDLEWARE)."""


def _origin(origin: str) -> str:
    return origin if origin in ("self", "*") else '"' + origin + '"'


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response: the browser features the platform never uses (camera,
    microphone, geolocation, payment, USB, …) are switched off for it and for anything it embeds.

    The header is built once from ``settings.PERMISSIONS_POLICY`` ({feature: [allowed origins]}, an empty list
    meaning none, ``"self"`` the platform itself) — the same setting django-permissions-policy reads, should the
    platform take that library on. A response that set its own header keeps it."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.header = ", ".join(f"{feature}=({' '.join(_origin(origin) for origin in origins)})"
                                for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response

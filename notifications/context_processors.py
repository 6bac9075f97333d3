"""The unread count beside the link to the notification centre, in every page's header."""


class UnreadCount:
    """Counted on first use in a template (one indexed query), not for responses that never show it."""

    def __init__(self, user):
        self.user = user
        self._value = None

    @property
    def value(self) -> int:
        if self._value is None:
            from .selectors import unread_count

            self._value = unread_count(user=self.user)
        return self._value

    def __int__(self):
        return self.value

    def __str__(self):
        return str(self.value)

    def __bool__(self):
        return bool(self.value)


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": UnreadCount(user)}

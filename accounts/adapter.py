from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: people join through an invitation (accounts.services)."""

    def is_open_for_signup(self, request):
        return False

"""Signals of the accounts app, for domain apps that send invitations without a role (accounts imports none)."""

from django.dispatch import Signal

# Sent inside invitation_accept's transaction, after the role (if any) is granted: invitation=, user=.
invitation_accepted = Signal()

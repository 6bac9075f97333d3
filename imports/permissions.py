"""Who may import what. An import writes what its services write, so it follows their predicates: a team is
imported by whoever may invite to it (the municipality's own staff in that programme, the programme's
facilitators, admins: ``can_manage_team``); milestones, budget lines and spending by whoever sets up the
programme (its facilitators and admins: ``can_edit_programme``)."""

from municipalities.permissions import can_manage_team
from programmes.permissions import can_edit_programme


def can_import_team(user, participation) -> bool:
    return can_manage_team(user, participation)


def can_import_into_programme(user, programme) -> bool:
    return can_edit_programme(user, programme)


def can_import(user, *, kind: str, programme, participation=None) -> bool:
    if kind == "team":
        return participation is not None and can_import_team(user, participation)
    return can_import_into_programme(user, programme)

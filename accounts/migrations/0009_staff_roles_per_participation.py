"""Staff roles move from a municipality to a participation (a municipality in one programme's cohort).

Until now a staff role of a municipality gave access to every programme the municipality takes part in. So that
nobody loses access they have today within a programme, each staff role becomes one role per participation of
its municipality (same person, department, responsibility and term): the existing row takes the first
participation, copies take the others. A staff role of a municipality that takes part in no programme gave no
access to any programme; it stays as it is (the community still counts it).

Waiting staff invitations get the participation they were most likely sent for: one in a programme the inviter
facilitates, else one the inviter is on the team of, else the municipality's first.

Reversible: going back folds the rows of one person and municipality into one row without a participation.
"""

from django.db import migrations


def _programme_of(participation):
    return participation.cohort.programme_id


def split_staff_roles(apps, schema_editor):
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    Invitation = apps.get_model("accounts", "Invitation")
    Participation = apps.get_model("programmes", "Participation")
    by_municipality: dict[int, list] = {}

    def participations_of(municipality_id):
        if municipality_id not in by_municipality:
            by_municipality[municipality_id] = list(
                Participation.objects.filter(municipality_id=municipality_id).select_related("cohort").order_by("pk"))
        return by_municipality[municipality_id]

    staff = RoleAssignment.objects.filter(role="staff", participation__isnull=True, municipality__isnull=False)
    for role in staff.order_by("pk").iterator():
        participations = participations_of(role.municipality_id)
        if not participations:
            continue
        first, *others = participations
        role.participation_id, role.programme_id = first.pk, _programme_of(first)
        role.save(update_fields=["participation", "programme"])
        for participation in others:
            RoleAssignment.objects.create(
                user_id=role.user_id, role="staff", municipality_id=role.municipality_id,
                participation_id=participation.pk, programme_id=_programme_of(participation),
                department=role.department, responsibility=role.responsibility, position=role.position,
                starts_on=role.starts_on, ends_on=role.ends_on,
            )

    waiting = Invitation.objects.filter(role="staff", participation__isnull=True, municipality__isnull=False,
                                        accepted_at__isnull=True, revoked_at__isnull=True)
    for invitation in waiting.order_by("pk").iterator():
        participations = participations_of(invitation.municipality_id)
        if not participations:
            continue
        inviter_roles = RoleAssignment.objects.filter(user_id=invitation.invited_by_id)
        facilitated = set(inviter_roles.filter(role="facilitator").values_list("programme_id", flat=True))
        on_team = set(inviter_roles.filter(role="staff").values_list("participation_id", flat=True))
        chosen = (next((p for p in participations if _programme_of(p) in facilitated), None)
                  or next((p for p in participations if p.pk in on_team), None) or participations[0])
        invitation.participation_id, invitation.programme_id = chosen.pk, _programme_of(chosen)
        invitation.save(update_fields=["participation", "programme"])


def fold_staff_roles(apps, schema_editor):
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    Invitation = apps.get_model("accounts", "Invitation")
    kept: set[tuple[int, int]] = set()
    for role in RoleAssignment.objects.filter(role="staff", participation__isnull=False).order_by("pk").iterator():
        key = (role.user_id, role.municipality_id)
        if key in kept:
            role.delete()
            continue
        kept.add(key)
        role.participation_id = role.programme_id = None
        role.save(update_fields=["participation", "programme"])
    Invitation.objects.filter(role="staff").update(participation=None, programme=None)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_translated_names_in_the_admin"),
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(split_staff_roles, fold_staff_roles),
    ]

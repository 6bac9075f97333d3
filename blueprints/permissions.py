"""Who may copy a programme and keep or use named templates."""

from accounts.permissions import is_facilitator, is_facilitator_of


def can_copy_programme(user, programme) -> bool:
    """The programme's facilitators (and admins) start a new programme from it."""
    return is_facilitator_of(user, programme.pk)


def can_keep_as_template(user, programme) -> bool:
    return is_facilitator_of(user, programme.pk)


def can_use_templates(user) -> bool:
    """Templates are shared among everyone who runs programmes: every facilitator (and admin) sees them and
    may start a programme from one. A template holds a programme's structure, never its people."""
    return is_facilitator(user)


def can_remove_template(user, template) -> bool:
    return is_facilitator_of(user, template.programme_id)

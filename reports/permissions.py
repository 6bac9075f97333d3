"""Who may read the funder report and who may download a programme's open data.

Funder report (``can_view_funder_report``)
    The people who run, fund or oversee the programme: its facilitators (they write the report to the funder),
    its observers (the funder and partners are observers: the report is made for them), its politicians (the
    follow-group answers for the money and the results) and admins. It shows the budget and spending per work
    package, so it follows the budget page's rule (``programmes.permissions.can_view_budget``) exactly: municipal
    staff and advisors, who see the programme but not its budget, get 403; everyone outside the programme 404.

Open data (``can_download_open_data``)
    Public, anonymous included, once a programme has been announced (any status but *planned*). Why: the export
    holds only what is already meant to travel — published progress entries that a facilitator or the
    municipality's advisor accepted for publication (``Programme.publication_review``; issue 15.10),
    measurements and partners not in a draft, a withdrawn or a not yet accepted entry,
    stages, partner counts per sector and solution models the community has made public on its showcase — and
    no personal data (no people's names, e-mail addresses, authors or one person's answers). Municipalities
    are public bodies and the programmes are publicly funded and described (the community showcase already
    shows their results to anonymous visitors). A *planned* programme has announced nothing: only the people
    who may see the programme download it; for everyone else it does not exist (404).
    Of a published progress entry the export carries its date, status, "what happened" and "learnings", as the
    municipality published them for the programme; "blockers" and "next steps" are working notes and stay
    inside. The texts go out as the municipality wrote them; the export adds no person (no author) to them.
"""

from accounts.permissions import scope_of
from programmes.permissions import can_view_budget, can_view_programme


def can_view_funder_report(user, programme) -> bool:
    """Facilitators, observers and politicians of the programme, and admins (the budget's readers)."""
    return can_view_budget(user, programme)


def can_download_open_data(user, programme) -> bool:
    from programmes.models import Programme

    if programme.status != Programme.Status.PLANNED:
        return True
    return scope_of(user).is_admin or can_view_programme(user, programme)

"""Who may use each notification URL (see tests/authz.py). Notifications are personal: another person's,
even an admin's, answer 404. Rules and the delivery log belong to the programme's facilitators."""

from itertools import count

from notifications.emails import unsubscribe_token
from tests.authz import Case, everyone
from tests.notifications.factories import NotificationFactory, ReminderRuleFactory, failed_delivery

MANAGE_PAGE = everyone(403, admin=200, facilitator=200)
MANAGE_WRITE = everyone(403, admin=302, facilitator=302)
_offsets = count(20)


def slug(w):
    return {"slug": w.a.programme.slug}


def staffs_notification(w):
    return {"pk": NotificationFactory(recipient=w.a.users["staff"]).pk}


CASES = {
    "notifications:list": Case(own=everyone(200), scoped=False),
    "notifications:read-all": Case(method="post", own=everyone(302), scoped=False),
    "notifications:read": Case(kwargs=staffs_notification, method="post", own=everyone(404, staff=302)),
    "notifications:open": Case(kwargs=staffs_notification, own=everyone(404, staff=302)),
    "notifications:preferences": Case(own=everyone(200), scoped=False),
    # The signed link in the e-mails: works without login, for whoever holds it.
    "notifications:unsubscribe": Case(
        kwargs=lambda w: {"token": unsubscribe_token(w.a.users["staff"], "milestones")},
        own=everyone(200), anonymous=200, scoped=False),
    "notifications:rules": Case(kwargs=slug, own=MANAGE_PAGE),
    "notifications:rule-add": Case(kwargs=slug, method="post", own=MANAGE_WRITE, data=lambda w: {
        "rule-new-kind": "milestone_before", "rule-new-offset_days": str(next(_offsets)),
        "rule-new-send_time": "08:30"}),
    "notifications:rule-edit": Case(
        kwargs=lambda w: {"pk": ReminderRuleFactory(programme=w.a.programme, offset_days=next(_offsets)).pk},
        own=MANAGE_PAGE),
    "notifications:deliveries": Case(kwargs=slug, own=MANAGE_PAGE),
    "notifications:delivery-retry": Case(kwargs=lambda w: {"pk": failed_delivery(w.a.programme).pk},
                                         method="post", own=MANAGE_WRITE),
}

"""Every write in the community: profiles, library items and files, adoptions, threads and answers,
reports and moderation. Notifications go out through :func:`deliver_notification` (the one place that talks
to the notifications app, which e-mails them as each person chose), always after the transaction commits,
from a Celery task that gets ids."""

from __future__ import annotations

import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from circular_cities.uploads import clean_document, clean_image

from .markdown import markdown_to_text
from .models import Adoption, LibraryItem, ModerationAction, Post, Profile, Report, Thread, check_sdgs

logger = logging.getLogger(__name__)

ITEM_TEXT_FIELDS = ("title_da", "title_en", "summary_da", "summary_en", "body_da", "body_en")
MAX_NOTIFIED = 50


# --- Notifications (adapter) --------------------------------------------------------------------------

def deliver_notification(*, recipient: User, kind: str, title: str, body: str = "", url: str = "",
                         actor: User | None = None, category: str = "community") -> bool:
    """Tell one person through the notification centre: in the centre, and by e-mail at once or in a digest as
    they chose for the community (``notifications.services.notify``). Never the actor of their own action.

    The one place that talks to the notifications app; called from the tasks, after commit, with the
    recipient's language active. ``kind`` (community.answer / .mention / .adoption / .report) says what
    happened, for the logs and the tests."""
    from notifications.services import notify

    delivered = notify(recipients=[recipient], category=category, build=lambda: (title, body), url=url,
                       actor=actor)
    if not delivered:
        logger.debug("%s not delivered to user %s (the actor, or inactive)", kind, recipient.pk)
    return bool(delivered)


def _notify_each(users, *, kind: str, build, url: str, actor: User | None, category: str = "community") -> int:
    """Build and deliver a notification per person, in that person's language."""
    count = 0
    for user in users:
        with translation.override(user.language or "da"):
            title, body = build()
            delivered = deliver_notification(recipient=user, kind=kind, title=str(title), body=str(body), url=url,
                                             actor=actor, category=category)
            count += bool(delivered)
    return count


# --- Profiles ----------------------------------------------------------------------------------------

def _tags(text: str) -> str:
    seen: list[str] = []
    for tag in (t.strip() for t in text.split(",")):
        if tag and tag.lower() not in (s.lower() for s in seen):
            seen.append(tag)
    return ", ".join(seen)


@transaction.atomic
def profile_save(*, user: User, organisation: str = "", expertise: str = "", bio: str = "", listed: bool = True,
                 show_email: bool = False, show_organisation: bool = True, show_expertise: bool = True,
                 show_bio: bool = True) -> Profile:
    profile = Profile.objects.select_for_update().filter(user=user).first() or Profile(user=user)
    values = {"organisation": organisation.strip(), "expertise": _tags(expertise), "bio": bio.strip(),
              "listed": listed, "show_email": show_email, "show_organisation": show_organisation,
              "show_expertise": show_expertise, "show_bio": show_bio}
    if profile.pk and all(getattr(profile, name) == value for name, value in values.items()):
        return profile
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


# --- Library -----------------------------------------------------------------------------------------

def clean_attachment(upload):
    """A library file, checked as photos and documents are everywhere: (content, content type).

    PDF and Office files are recognised by their bytes; anything else must be a photo we can re-encode."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith((b"%PDF-", b"PK\x03\x04")):
            document = clean_document(upload)
            return document.file, document.content_type
        try:
            image = clean_image(upload)
        except ValidationError as error:
            if error.code == "not_an_image":
                clean_document(upload)  # raises the message that lists every accepted type
            raise
        return image.image, image.content_type
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from error


def _apply_item_values(item: LibraryItem, *, visibility, programme, participation, material_stream, strategy,
                       sdgs, texts: dict) -> None:
    item.visibility = visibility
    for name in ITEM_TEXT_FIELDS:
        setattr(item, name, (texts.get(name) or "").strip())
    item.material_stream = material_stream or ""
    item.strategy = strategy or ""
    item.sdgs = sorted({int(n) for n in sdgs or []})
    item.programme = programme
    item.participation = participation
    if item.kind == LibraryItem.Kind.SOLUTION_MODEL and participation is not None:
        # A solution model belongs to its local test: programme, municipality and, unless given, the tags.
        item.programme = participation.cohort.programme
        item.municipality = participation.municipality
        challenge = _challenge_of(participation)
        if challenge is not None:
            item.material_stream = item.material_stream or challenge.material_stream
            item.strategy = item.strategy or challenge.strategy
            item.sdgs = item.sdgs or sorted(challenge.sdgs or [])


def _challenge_of(participation):
    from programmes.models import LocalChallenge

    try:
        return participation.challenge
    except LocalChallenge.DoesNotExist:
        return None


def _check_item(item: LibraryItem) -> None:
    if item.kind == LibraryItem.Kind.SOLUTION_MODEL and item.participation_id and LibraryItem.objects.filter(
            kind=LibraryItem.Kind.SOLUTION_MODEL, participation_id=item.participation_id).exclude(pk=item.pk).exists():
        raise ValidationError({"participation": _(
            "%(municipality)s already has its solution model from this local test in the library. "
            "Edit that one instead.") % {"municipality": item.participation.municipality}})
    check_sdgs(item.sdgs)
    item.full_clean(exclude=["attachment"])


def _store_attachment(item: LibraryItem, attachment, remove: bool) -> None:
    if attachment is not None:
        content, content_type = clean_attachment(attachment)
        if item.attachment:
            item.attachment.delete(save=False)
        item.attachment.save(content.name, content, save=False)
        item.attachment_type = content_type
        item.attachment_size = content.size
    elif remove and item.attachment:
        item.attachment.delete(save=False)
        item.attachment = ""
        item.attachment_type = ""
        item.attachment_size = None


@transaction.atomic
def library_item_create(*, by: User, kind: str, visibility: str, title_da: str, title_en: str = "",
                        summary_da: str = "", summary_en: str = "", body_da: str = "", body_en: str = "",
                        programme=None, participation=None, material_stream: str = "", strategy: str = "",
                        sdgs=(), publish: bool = False, attachment=None) -> LibraryItem:
    """Add a case story, method, resource or solution model. ``publish``: visible now, else a draft."""
    item = LibraryItem(kind=kind, author=by)
    _apply_item_values(item, visibility=visibility, programme=programme, participation=participation,
                       material_stream=material_stream, strategy=strategy, sdgs=sdgs, texts={
                           "title_da": title_da, "title_en": title_en, "summary_da": summary_da,
                           "summary_en": summary_en, "body_da": body_da, "body_en": body_en})
    item.published_at = timezone.now() if publish else None
    _check_item(item)
    _store_attachment(item, attachment, remove=False)
    item.save()
    return item


@transaction.atomic
def library_item_update(*, item: LibraryItem, by: User, visibility: str, title_da: str, title_en: str = "",
                        summary_da: str = "", summary_en: str = "", body_da: str = "", body_en: str = "",
                        programme=None, participation=None, material_stream: str = "", strategy: str = "",
                        sdgs=(), publish: bool = False, attachment=None, remove_attachment: bool = False
                        ) -> LibraryItem:
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    _apply_item_values(item, visibility=visibility, programme=programme,
                       participation=participation if item.kind == LibraryItem.Kind.SOLUTION_MODEL else None,
                       material_stream=material_stream, strategy=strategy, sdgs=sdgs, texts={
                           "title_da": title_da, "title_en": title_en, "summary_da": summary_da,
                           "summary_en": summary_en, "body_da": body_da, "body_en": body_en})
    if publish and item.published_at is None:
        item.published_at = timezone.now()
    elif not publish:
        item.published_at = None
    _check_item(item)
    _store_attachment(item, attachment, remove=remove_attachment)
    item.save()
    return item


# --- Adoptions ---------------------------------------------------------------------------------------

@transaction.atomic
def adoption_record(*, item: LibraryItem, municipality, by: User, kind: str = Adoption.Kind.REUSE,
                    note: str = "") -> tuple[Adoption, bool]:
    """Record that ``municipality`` reuses or adapts a solution model; the original team is notified.

    Recording it again changes how and the note, and notifies nobody."""
    if item.kind != LibraryItem.Kind.SOLUTION_MODEL:
        raise ValidationError(_("Only solution models can be adopted."))
    if not item.is_published or item.is_hidden:
        raise ValidationError(_("This solution model is not published, so it cannot be adopted yet."))
    if municipality.pk == item.municipality_id:
        raise ValidationError({"municipality": _("A municipality cannot adopt its own solution model.")})
    note = note.strip()
    adoption = Adoption.objects.select_for_update().filter(item=item, municipality=municipality).first()
    if adoption is not None:
        if (adoption.kind, adoption.note) != (kind, note):
            adoption.kind, adoption.note = kind, note
            adoption.full_clean()
            adoption.save(update_fields=["kind", "note"])
        return adoption, False
    adoption = Adoption(item=item, municipality=municipality, adopted_by=by, kind=kind, note=note)
    adoption.full_clean()
    adoption.save()
    from .tasks import adoption_notify_task

    transaction.on_commit(lambda: adoption_notify_task.delay(adoption.pk))
    return adoption, True


@transaction.atomic
def adoption_delete(*, adoption: Adoption) -> None:
    adoption.delete()


def adoption_notify(*, adoption_id: int) -> int:
    """Tell the original team (the staff of the model's municipality, and its author) about an adoption."""
    from .selectors import team_of_municipality

    adoption = Adoption.objects.select_related("item", "municipality", "adopted_by").filter(pk=adoption_id).first()
    if adoption is None or adoption.item.municipality_id is None:
        return 0
    item = adoption.item
    recipients = {u.pk: u for u in team_of_municipality(municipality_id=item.municipality_id)[:MAX_NOTIFIED]}
    if item.author_id and item.author.is_active:
        recipients.setdefault(item.author_id, item.author)
    recipients.pop(adoption.adopted_by_id, None)

    def build():
        verb = _("reuses") if adoption.kind == Adoption.Kind.REUSE else _("adapts")
        title = _("%(municipality)s %(verb)s your solution model “%(title)s”") % {
            "municipality": adoption.municipality, "verb": verb, "title": item.title}
        return title, adoption.note

    return _notify_each(recipients.values(), kind="community.adoption", build=build,
                        url=item.get_absolute_url(), actor=adoption.adopted_by)


# --- Threads and answers -----------------------------------------------------------------------------

MENTION_NAME = re.compile(r'(?<![\w@])@"([^"\n]{2,150})"')
MENTION_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})")


def parse_mentions(text: str) -> tuple[list[str], list[str]]:
    """``@local-part`` (of the e-mail address) and ``@"Full Name"``: (handles, names)."""
    names = [n.strip() for n in MENTION_NAME.findall(text or "")]
    rest = MENTION_NAME.sub(" ", text or "")
    handles = [h.rstrip(".") for h in MENTION_HANDLE.findall(rest)]
    return sorted(set(handles)), sorted(set(names))


def answering_municipality(user: User):
    """The municipality a person answers for: their (first) active staff role's municipality, if any."""
    from accounts.permissions import active_roles

    role = active_roles(user).filter(role=Role.STAFF).select_related("municipality").order_by("id").first()
    return role.municipality if role else None


@transaction.atomic
def thread_create(*, by: User, kind: str, title: str, body: str, visibility: str, programme=None,
                  municipality=None, material_stream: str = "", strategy: str = "") -> Thread:
    """A municipality asks the community a question or requests a sparring session."""
    thread = Thread(kind=kind, title=title.strip(), body=body.strip(), author=by, visibility=visibility,
                    programme=programme, municipality=municipality, material_stream=material_stream or "",
                    strategy=strategy or "")
    thread.full_clean()
    thread.save()
    from .tasks import thread_notify_task

    transaction.on_commit(lambda: thread_notify_task.delay(thread.pk))
    return thread


@transaction.atomic
def post_create(*, thread: Thread, by: User, body: str) -> Post:
    if thread.is_hidden:
        raise ValidationError(_("A moderator has hidden this thread; it cannot be answered."))
    post = Post(thread=thread, author=by, body=body.strip(), municipality=answering_municipality(by))
    post.full_clean()
    post.save()
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=post.created_at)
    from .tasks import post_notify_task

    transaction.on_commit(lambda: post_notify_task.delay(post.pk))
    return post


def _who_may_see(users, thread: Thread) -> list[User]:
    from .selectors import thread_visibility

    return [u for u in users if u.is_active and Thread.objects.filter(thread_visibility(u)).filter(
        pk=thread.pk).exists()]


def _mentioned(author: User | None, text: str, thread: Thread) -> list[User]:
    from .selectors import mentionable_members

    if author is None:
        return []
    handles, names = parse_mentions(text)
    return _who_may_see(mentionable_members(author=author, handles=handles, names=names), thread)


def _notify_mentions(mentioned, *, author, thread: Thread, url: str, text: str) -> int:
    def build():
        return (_("%(name)s mentioned you in “%(title)s”") % {"name": author, "title": thread.title},
                markdown_to_text(text, 300))

    return _notify_each(mentioned, kind="community.mention", build=build, url=url, actor=author)


def thread_notify(*, thread_id: int) -> int:
    thread = Thread.objects.select_related("author").filter(pk=thread_id, hidden_at__isnull=True).first()
    if thread is None:
        return 0
    mentioned = _mentioned(thread.author, f"{thread.title}\n{thread.body}", thread)
    return _notify_mentions(mentioned, author=thread.author, thread=thread, url=thread.get_absolute_url(),
                            text=thread.body)


def post_notify(*, post_id: int) -> int:
    """The asker and everyone who answered before hear about a new answer; people @mentioned hear that."""
    post = Post.objects.select_related("thread__author", "thread__municipality", "author", "municipality").filter(
        pk=post_id, hidden_at__isnull=True, thread__hidden_at__isnull=True).first()
    if post is None:
        return 0
    thread = post.thread
    url = post.get_absolute_url()
    mentioned = _mentioned(post.author, post.body, thread)
    mentioned_ids = {u.pk for u in mentioned}
    participants = {}
    if thread.author_id:
        participants[thread.author_id] = thread.author
    for earlier in thread.posts.filter(created_at__lte=post.created_at, hidden_at__isnull=True).exclude(
            pk=post.pk).select_related("author")[:MAX_NOTIFIED]:
        if earlier.author_id:
            participants.setdefault(earlier.author_id, earlier.author)
    for pk in mentioned_ids | {post.author_id}:
        participants.pop(pk, None)
    answered_by = post.municipality or post.author

    def build():
        title = _("%(who)s answered “%(title)s”") % {"who": answered_by, "title": thread.title}
        return title, markdown_to_text(post.body, 300)

    count = _notify_each(_who_may_see(participants.values(), thread), kind="community.answer", build=build,
                         url=url, actor=post.author)
    return count + _notify_mentions(mentioned, author=post.author, thread=thread, url=url, text=post.body)


# --- Reports and moderation --------------------------------------------------------------------------

def target_kind(target) -> str:
    if isinstance(target, LibraryItem):
        return "item"
    if isinstance(target, Thread):
        return "thread"
    if isinstance(target, Post):
        return "post"
    raise TypeError(f"Not something that can be reported: {target!r}")


@transaction.atomic
def report_create(*, by: User, target, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what is wrong, so the moderators can judge it.")})
    report = Report(reporter=by, reason=reason, **{target_kind(target): target})
    report.full_clean()
    report.save()
    from .tasks import report_notify_task

    transaction.on_commit(lambda: report_notify_task.delay(report.pk))
    return report


def moderators_of(target) -> list[User]:
    """Who moderates ``target`` (``permissions.can_moderate``): the facilitators of its programme, every
    facilitator for community-wide content; the administrators when no facilitator does, so that a report is
    never left unheard."""
    from accounts.selectors import administrators, facilitators_of

    moderators = list(facilitators_of(programme_id=target.programme_id))
    return moderators or list(administrators())


def report_notify(*, report_id: int) -> int:
    """Tell the moderators that something was reported (not the reporter, even when a moderator)."""
    report = Report.objects.select_related("item", "thread", "post__thread", "reporter").filter(
        pk=report_id, resolved_at__isnull=True).first()
    if report is None:
        return 0  # resolved (or gone) before the task ran: nothing to do
    target = report.target
    from django.urls import reverse

    def build():
        if report.post_id:
            what = _("An answer in “%(title)s” was reported") % {"title": target.thread.title}
        elif report.thread_id:
            what = _("The thread “%(title)s” was reported") % {"title": target.title}
        else:
            what = _("The library item “%(title)s” was reported") % {"title": target.title}
        return what, _("Reason: %(reason)s") % {"reason": report.reason}

    return _notify_each(moderators_of(target), kind="community.report", build=build,
                        url=reverse("community:moderation") + f"#report-{report.pk}", actor=report.reporter,
                        category="moderation")


@transaction.atomic
def moderate(*, target, by: User, action: str, reason: str = "") -> ModerationAction | None:
    """Hide or restore a library item, thread or answer; logged, and open reports about it are resolved.

    Hiding what is hidden (or restoring what is shown) changes nothing and logs nothing."""
    kind = target_kind(target)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    hide = action == ModerationAction.Action.HIDE
    if action not in ModerationAction.Action.values:
        raise ValidationError(_("Unknown moderation action."))
    if hide == target.is_hidden:
        return None
    now = timezone.now()
    target.hidden_at = now if hide else None
    target.save(update_fields=["hidden_at"])
    entry = ModerationAction(action=action, by=by, reason=reason.strip(), **{kind: target})
    entry.full_clean()
    entry.save()
    Report.objects.filter(resolved_at__isnull=True, **{kind: target}).update(resolved_at=now, resolved_by=by)
    return entry


@transaction.atomic
def report_resolve(*, report: Report, by: User) -> Report:
    """Close a report without hiding anything (the content is fine)."""
    if report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = by
        report.save(update_fields=["resolved_at", "resolved_by"])
    return report


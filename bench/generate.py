"""A national-scale dataset for the benchmark: every Danish municipality, many programmes, years of data.

``python -m bench.generate`` (or ``generate(...)`` from a test) writes it with ``bulk_create`` from a fixed
seed, so two runs give the same rows and a national run takes seconds, not minutes. Nothing is invented
beyond what the pages show: programmes with cohorts, phases, milestones, budget; participations with a
challenge, monthly progress, indicators, partners, advisory sessions, stage outputs; meetings with
invitations, agendas, decisions; reminder rules, sent reminders and the notifications they left; the
community library and sparring threads; people in every role.

Dates are relative to today: each programme started up to three years ago and runs one more year, so
dashboards and boards show a programme in the middle of its life.

The people the benchmark logs in as (``BENCH_USERS``) share one password, ``BENCH_PASSWORD``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

BENCH_DOMAIN = "bench.example.org"
HISTORY_CLAIM = uuid.UUID(int=0xB3C4)  # the claim token of the deliveries written as history
BENCH_PASSWORD = "bench-password-7Qm2pL9v"  # noqa: S105  (throwaway databases only)
MAIN_SLUG = "national-circular-cities"
WRITER_NOTE_TITLE = "Bench-skriver: påmindelse"  # the writer's stock of unread notifications (bench.writer)
WRITER_UNREAD = 200

# role key → e-mail local part; the benchmark and the load test log in as these.
BENCH_USERS = {
    "admin": "bench-admin",
    "facilitator": "bench-facilitator",  # facilitator of every programme: the national lists
    "politician": "bench-politician",  # follow-group of the national programme
    "staff": "bench-staff",  # staff of the first municipality, which takes part in every programme
    "advisor": "bench-advisor",  # advisor of twelve municipalities in the national programme
    "observer": "bench-observer",  # funder observer of the national programme
}

WORDS = ["genbrug", "byggeaffald", "plast", "tekstil", "madspild", "emballage", "møbler", "elektronik", "vand",
         "cirkulær", "indkøb", "deleøkonomi", "reparation", "design", "affald", "ressourcer", "partnerskab",
         "borgere", "virksomheder", "skoler", "test"]


def email(local: str) -> str:
    return f"{local}@{BENCH_DOMAIN}"


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _moment(day, hour=10, minute=0):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, dtime(hour, minute)))


def generate(*, programmes: int = 12, municipalities_per_programme: int | None = None, cohorts: int = 3,
             months: int = 36, seed: int = 7, notifications_per_user: int = 60, tag: str = "",
             verbose: bool = False) -> dict:
    """Write the dataset into the current (empty, migrated) database. Returns what the benchmark needs.

    ``municipalities_per_programme=None`` is the national scale: the first programme takes all 98
    municipalities, the others 20–60 each. A number gives every programme exactly that many (the
    query-scaling test uses 2 and 8). ``tag`` prefixes e-mails, slugs and names, so a second dataset can be
    written beside the first."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, RoleAssignment, User
    from community.models import Adoption, LibraryItem, Post, Profile, Thread, Visibility
    from municipalities.models import (
        AdvisorySession,
        AgreedAction,
        EntryComment,
        Indicator,
        Measurement,
        Municipality,
        PartnerInvolvement,
        ProgressEntry,
        Sector,
        StageGateOutput,
    )
    from notifications.models import (
        DEFAULT_RULES,
        DEFAULT_SEND_TIME,
        KIND_CATEGORY,
        Delivery,
        Notification,
        ReminderRule,
    )
    from notifications.models import Kind as ReminderKind
    from programmes.models import (
        BudgetLine,
        Cohort,
        LocalChallenge,
        Milestone,
        Objective,
        Organisation,
        Participation,
        Phase,
        Programme,
        ProgrammeOrganisation,
        Spending,
    )
    from workshops.models import ActionItem, AgendaItem, Decision, Meeting, MeetingInvitation

    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    counts: dict[str, int] = {}

    def log(message):
        if verbose:
            print(f"  {time.perf_counter() - started:6.1f}s {message}", flush=True)

    def bulk(model, rows, **kwargs):
        created = model.objects.bulk_create(rows, batch_size=2000, **kwargs)
        counts[model._meta.label] = counts.get(model._meta.label, 0) + len(rows)
        return created

    municipalities = list(Municipality.objects.filter(country="DK").order_by("code"))
    if not municipalities:
        from municipalities.data import load_reference

        load_reference(Municipality)
        municipalities = list(Municipality.objects.filter(country="DK").order_by("code"))
    first_municipality = municipalities[0]

    with transaction.atomic():
        # --- people ---------------------------------------------------------------------------------------
        password = make_password(BENCH_PASSWORD)  # hashed once: every bench user shares it

        def users(locals_and_names):
            return bulk(User, [User(email=email(tag + local), full_name=name, password=password, language="da",
                                    is_staff=local == BENCH_USERS["admin"],
                                    is_superuser=local == BENCH_USERS["admin"])
                               for local, name in locals_and_names])

        named = dict(zip(BENCH_USERS, users([(local, f"Bench {key.title()}") for key, local in BENCH_USERS.items()]),
                         strict=True))
        staff_by_municipality = {}
        staff_rows = users([(f"staff-{m.code}-{i}", f"Medarbejder {i} {m.name}") for m in municipalities
                            for i in (1, 2)])
        for index, m in enumerate(municipalities):
            staff_by_municipality[m.pk] = staff_rows[2 * index: 2 * index + 2]
        staff_by_municipality[first_municipality.pk].insert(0, named["staff"])
        advisors = users([(f"advisor-{i}", f"Rådgiver {i}") for i in range(40)])
        facilitators = users([(f"facilitator-{i}", f"Facilitator {i}") for i in range(2 * programmes)])
        politicians = users([(f"politician-{i}", f"Politiker {i}") for i in range(6 * programmes)])
        observers = users([(f"observer-{i}", f"Observatør {i}") for i in range(programmes)])
        everyone = list(named.values()) + staff_rows + advisors + facilitators + politicians + observers
        bulk(EmailAddress, [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in everyone])
        bulk(Profile, [Profile(user=u, organisation=rng.choice(["Teknik og Miljø", "Klima", "Indkøb", ""]),
                               expertise=", ".join(rng.sample(WORDS, 3)), bio=_text(rng, 12)) for u in everyone])
        log(f"{len(everyone)} people")

        roles = [RoleAssignment(user=named["admin"], role=Role.ADMIN)]

        # --- programmes -------------------------------------------------------------------------------------
        kinds = [Organisation.Kind.COMPANY, Organisation.Kind.RESEARCH, Organisation.Kind.CIVIL_SOCIETY,
                 Organisation.Kind.PUBLIC_BODY]
        organisations = bulk(Organisation, [Organisation(name=f"{tag}Bench organisation {i}", kind=kinds[i % 4])
                                            for i in range(60)])
        funder = bulk(Organisation, [Organisation(name=f"{tag}Bench funder", kind=Organisation.Kind.FUNDER)])[0]
        progs = bulk(Programme, [
            Programme(slug=tag + (MAIN_SLUG if p == 0 else f"bench-programme-{p:02d}"),
                      name_da="Cirkulære byer — national" if p == 0 else f"Program {p:02d}",
                      name_en="Circular Cities — national" if p == 0 else f"Programme {p:02d}",
                      description_da=_text(rng, 60), description_en=_text(rng, 60),
                      starts_on=today - timedelta(days=30 * months + rng.randrange(0, 60)),
                      ends_on=today + timedelta(days=365), status=Programme.Status.ACTIVE,
                      budget_dkk=Decimal(rng.randrange(2_000_000, 9_000_000)))
            for p in range(programmes)])
        bulk(Objective, [Objective(programme=p, order=i, text_da=_text(rng, 10), text_en=_text(rng, 10))
                         for p in progs for i in range(1, 7)])
        bulk(ProgrammeOrganisation, [ProgrammeOrganisation(programme=p, organisation=o, part=part) for p in progs
                                     for o, part in [(funder, ProgrammeOrganisation.Part.FUNDER),
                                                     (organisations[0], ProgrammeOrganisation.Part.FACILITATOR),
                                                     (organisations[1], ProgrammeOrganisation.Part.PARTNER)]])
        lines = bulk(BudgetLine, [BudgetLine(programme=p, code=f"WP{i}", name_da=f"Arbejdspakke {i}",
                                             name_en=f"Work package {i}", allocated_dkk=p.budget_dkk / 5, order=i)
                                  for p in progs for i in range(1, 6)])
        bulk(Spending, [Spending(budget_line=line, spent_on=line.programme.starts_on + timedelta(days=120 * k + 30),
                                 amount_dkk=Decimal(rng.randrange(20_000, 200_000)), description=f"Udgift {k}")
                        for line in lines for k in range(months // 4)])
        def sixth(p, i):
            return p.starts_on + timedelta(days=i * (p.ends_on - p.starts_on).days // 6)

        phases = bulk(Phase, [Phase(programme=p, name_da=f"Fase {i}", name_en=f"Phase {i}", order=i,
                                    starts_on=sixth(p, i - 1), ends_on=sixth(p, i) - timedelta(days=1))
                              for p in progs for i in range(1, 7)])
        phases_of = {p.pk: [ph for ph in phases if ph.programme_id == p.pk] for p in progs}
        cohort_rows = bulk(Cohort, [Cohort(programme=p, name=f"Hold {c}", starts_on=p.starts_on, ends_on=p.ends_on)
                                    for p in progs for c in range(1, cohorts + 1)])
        cohorts_of = {p.pk: [c for c in cohort_rows if c.programme_id == p.pk] for p in progs}

        stages = list(Participation.Stage)
        parts = []
        for index, p in enumerate(progs):
            if municipalities_per_programme is not None:
                count = municipalities_per_programme
            else:
                count = len(municipalities) if index == 0 else rng.randrange(20, 61)
            chosen = [first_municipality] + rng.sample(municipalities[1:], count - 1)
            for k, m in enumerate(chosen):
                parts.append(Participation(cohort=cohorts_of[p.pk][k % cohorts], municipality=m,
                                           stage=stages[min(len(stages) - 1, (k * 7 + index) % len(stages))],
                                           joined_on=p.starts_on, solution_model=_text(rng, 20)))
        parts = bulk(Participation, parts)
        programme_of = {c.pk: c.programme_id for c in cohort_rows}
        parts_of = {p.pk: [x for x in parts if programme_of[x.cohort_id] == p.pk] for p in progs}
        by_pk = {p.pk: p for p in progs}
        log(f"{len(progs)} programmes, {len(parts)} participations")

        strategies = list(LocalChallenge.Strategy)
        streams = list(LocalChallenge.MaterialStream)
        bulk(LocalChallenge, [LocalChallenge(participation=x, title=_text(rng, 5), problem_statement=_text(rng, 40),
                                             material_stream=rng.choice(streams), strategy=rng.choice(strategies),
                                             sdgs=sorted(rng.sample(range(1, 18), 3))) for x in parts])

        # roles in programmes
        advisor_of = {}
        for p in progs:
            ps = parts_of[p.pk]
            roles += [RoleAssignment(user=f, role=Role.FACILITATOR, programme=p, department="Bench")
                      for f in facilitators[2 * (p.pk % programmes): 2 * (p.pk % programmes) + 2]]
            roles.append(RoleAssignment(user=named["facilitator"], role=Role.FACILITATOR, programme=p))
            roles.append(RoleAssignment(user=observers[p.pk % programmes], role=Role.OBSERVER, programme=p,
                                        department="Fonden"))
            # each municipality's people are on its team in every programme it takes part in
            roles += [RoleAssignment(user=user, role=Role.STAFF, programme=p, participation=x,
                                     municipality_id=x.municipality_id, department="Klima og Miljø",
                                     responsibility="Lokal test")
                      for x in ps for user in staff_by_municipality[x.municipality_id]]
            pool = set()
            for k, x in enumerate(ps):
                main_advisor = p.slug == tag + MAIN_SLUG and k < 12
                advisor = named["advisor"] if main_advisor else advisors[(k + p.pk) % len(advisors)]
                advisor_of[x.pk] = advisor
                pool.add(advisor)
                roles.append(RoleAssignment(user=advisor, role=Role.ADVISOR, programme=p, participation=x))
            roles += [RoleAssignment(user=a, role=Role.ADVISOR, programme=p) for a in sorted(pool, key=lambda u: u.pk)]
            follow = politicians[6 * (p.pk % programmes): 6 * (p.pk % programmes) + 6]
            for k, politician in enumerate(follow):
                roles.append(RoleAssignment(user=politician, role=Role.POLITICIAN, programme=p,
                                            municipality=ps[k % len(ps)].municipality, position="Byrådsmedlem",
                                            starts_on=p.starts_on))
            if p.slug == tag + MAIN_SLUG:
                roles.append(RoleAssignment(user=named["politician"], role=Role.POLITICIAN, programme=p,
                                            municipality=first_municipality, position="Borgmester",
                                            starts_on=p.starts_on))
                roles.append(RoleAssignment(user=named["observer"], role=Role.OBSERVER, programme=p,
                                            department="Fonden"))
        # People of a municipality in no programme keep a staff role of the municipality alone (as the migration of
        # such roles leaves them): members of the community, on no programme's team.
        enrolled = {x.municipality_id for x in parts}
        roles += [RoleAssignment(user=user, role=Role.STAFF, municipality=m, department="Klima og Miljø",
                                 responsibility="Lokal test")
                  for m in municipalities if m.pk not in enrolled for user in staff_by_municipality[m.pk]]
        bulk(RoleAssignment, roles)
        log("roles")

        # --- milestones ------------------------------------------------------------------------------------
        milestones = []
        for p in progs:
            span = (p.ends_on - p.starts_on).days
            for i in range(24):
                due = p.starts_on + timedelta(days=span * (i + 1) // 25)
                done = due < today - timedelta(days=20)
                milestones.append(Milestone(
                    programme=p, phase=phases_of[p.pk][min(5, i // 4)], title_da=f"Milepæl {i + 1}",
                    title_en=f"Milestone {i + 1}", due_on=due, owner=facilitators[2 * (p.pk % programmes)],
                    status=Milestone.Status.DONE if done else Milestone.Status.PLANNED,
                    completed_at=_moment(due) if done else None, order=i))
            for x in parts_of[p.pk]:
                owner = staff_by_municipality[x.municipality_id][0]
                for i in range(5):
                    due = p.starts_on + timedelta(days=span * (i + 1) // 6 + rng.randrange(-10, 10))
                    state = rng.random()
                    done = due < today and state < 0.8
                    milestones.append(Milestone(
                        programme=p, participation=x, phase=phases_of[p.pk][i], title_da=f"Lokal milepæl {i + 1}",
                        title_en=f"Local milestone {i + 1}", due_on=due, owner=owner,
                        status=Milestone.Status.DONE if done else Milestone.Status.PLANNED,
                        completed_at=_moment(due) if done else None, order=i))
        milestones = bulk(Milestone, milestones)
        log(f"{len(milestones)} milestones")

        # --- local tests --------------------------------------------------------------------------------------
        statuses = [ProgressEntry.Status.ON_TRACK] * 6 + [ProgressEntry.Status.AT_RISK] * 2 + [
            ProgressEntry.Status.BLOCKED]
        entries = []
        for x in parts:
            author = staff_by_municipality[x.municipality_id][0]
            start = by_pk[programme_of[x.cohort_id]].starts_on
            for month in range(months):
                day = start + timedelta(days=30 * month + rng.randrange(0, 25))
                if day > today:
                    break
                draft = month == months - 1 and rng.random() < 0.3
                entries.append(ProgressEntry(
                    participation=x, happened_on=day, what_happened=_text(rng, 30), learnings=_text(rng, 15),
                    blockers=_text(rng, 8) if rng.random() < 0.3 else "", next_steps=_text(rng, 10),
                    status=rng.choice(statuses),
                    state=ProgressEntry.State.DRAFT if draft else ProgressEntry.State.PUBLISHED,
                    review=ProgressEntry.Review.PENDING if draft else ProgressEntry.Review.ACCEPTED,
                    published_at=None if draft else _moment(day, 15), author=author))
        entries = bulk(ProgressEntry, entries)
        bulk(EntryComment, [EntryComment(entry=e, author=advisor_of[e.participation_id], body=_text(rng, 12))
                            for e in entries[::4]])
        indicators = bulk(Indicator, [
            Indicator(participation=x, name=name, unit=unit, baseline=Decimal(10), target=Decimal(100),
                      direction=Indicator.Direction.HIGHER)
            for x in parts for name, unit in (("Tons omdirigeret", "t"), ("Aktører involveret", "antal"))])
        start_of = {x.pk: by_pk[programme_of[x.cohort_id]].starts_on for x in parts}
        bulk(Measurement, [Measurement(indicator=i, measured_on=start_of[i.participation_id] + timedelta(days=91 * q),
                                       value=Decimal(10 + 7 * q + rng.randrange(0, 5)))
                           for i in indicators for q in range(months // 3)])
        sectors = list(Sector)
        bulk(PartnerInvolvement, [
            PartnerInvolvement(participation=x, organisation=rng.choice(organisations), sector=sectors[k % 5],
                               role=_text(rng, 4), starts_on=start_of[x.pk] + timedelta(days=60 * k))
            for x in parts for k in range(4)])
        sessions = bulk(AdvisorySession, [
            AdvisorySession(participation=x, held_on=start_of[x.pk] + timedelta(days=91 * q + 5),
                            advisor=advisor_of[x.pk], topics=_text(rng, 10), advice=_text(rng, 20))
            for x in parts for q in range(months // 3)])
        bulk(AgreedAction, [AgreedAction(session=s, text=_text(rng, 6),
                                         owner=staff_by_municipality[s.participation.municipality_id][0],
                                         due_on=s.held_on + timedelta(days=30)) for s in sessions])
        kinds_by_stage = list(zip(["discover", "define", "develop", "deliver", "anchor"],
                                  list(StageGateOutput.Kind), strict=True))
        outputs = []
        for x in parts:
            for index, (stage, kind) in enumerate(kinds_by_stage):
                if index > stages.index(x.stage):
                    break
                outputs.append(StageGateOutput(
                    participation=x, stage=stage, kind=kind, title=_text(rng, 5), body=_text(rng, 20),
                    state=StageGateOutput.State.ACCEPTED if index < stages.index(x.stage)
                    else StageGateOutput.State.SUBMITTED,
                    submitted_by=staff_by_municipality[x.municipality_id][0],
                    submitted_at=_moment(start_of[x.pk] + timedelta(days=150 * index + 100))))
        bulk(StageGateOutput, outputs)
        log(f"{len(entries)} progress entries and the rest of the local tests")

        # --- meetings --------------------------------------------------------------------------------------
        meetings, invitees = [], []
        plan = ([Meeting.Kind.LEARNING_MODULE] * 8 + [Meeting.Kind.SPARRING] * 6 + [Meeting.Kind.FOLLOW_GROUP] * 6
                + [Meeting.Kind.COMMUNITY] * 2)
        for p in progs:
            span = (p.ends_on - p.starts_on).days
            ps = parts_of[p.pk]
            staff = [u for x in ps for u in staff_by_municipality[x.municipality_id][:2]]
            follow = [r.user for r in roles if r.role == Role.POLITICIAN and r.programme_id == p.pk]
            facs = [r.user for r in roles if r.role == Role.FACILITATOR and r.programme_id == p.pk]
            for i, kind in enumerate(plan):
                day = p.starts_on + timedelta(days=span * (i + 1) // (len(plan) + 1))
                meetings.append(Meeting(programme=p, kind=kind, title_da=f"{kind.label} {i + 1}",
                                        title_en=f"{kind.label} {i + 1}", description_da=_text(rng, 30),
                                        starts_at=_moment(day, 9), ends_at=_moment(day, 12), place="Bench-salen",
                                        organiser=facs[0],
                                        minutes=_text(rng, 50) if day < today else "",
                                        minutes_published_at=_moment(day, 16) if day < today - timedelta(7) else None))
                people = follow + facs if kind == Meeting.Kind.FOLLOW_GROUP else staff + facs
                invitees.append(people)
            for x in ps:
                for q in range(4):
                    day = start_of[x.pk] + timedelta(days=span * (q + 1) // 5)
                    meetings.append(Meeting(programme=p, participation=x, kind=Meeting.Kind.LOCAL_TEST,
                                            title_da=f"Lokalt testmøde {q + 1}", starts_at=_moment(day, 13),
                                            ends_at=_moment(day, 15), organiser=advisor_of[x.pk]))
                    invitees.append(staff_by_municipality[x.municipality_id][:2] + [advisor_of[x.pk]])
        meetings = bulk(Meeting, meetings)
        responses = [MeetingInvitation.Response.YES] * 3 + [MeetingInvitation.Response.NO,
                                                            MeetingInvitation.Response.MAYBE,
                                                            MeetingInvitation.Response.PENDING]
        staff_municipality = {u.pk: m for m, us in staff_by_municipality.items() for u in us}
        invitations = []
        for meeting, people in zip(meetings, invitees, strict=True):
            past = meeting.starts_at < now
            for user in dict.fromkeys(people):
                response = rng.choice(responses)
                invitations.append(MeetingInvitation(
                    meeting=meeting, user=user, via=MeetingInvitation.Via.ROLE,
                    municipality_id=staff_municipality.get(user.pk), response=response,
                    responded_at=None if response == MeetingInvitation.Response.PENDING else meeting.starts_at
                    - timedelta(days=3), attended=(response == MeetingInvitation.Response.YES) if past else None))
        bulk(MeetingInvitation, invitations)
        programme_meetings = [m for m in meetings if m.participation_id is None]
        bulk(AgendaItem, [AgendaItem(meeting=m, order=i, title=_text(rng, 4), duration_minutes=30)
                          for m in programme_meetings for i in range(4)])
        past_meetings = [m for m in programme_meetings if m.starts_at < now]
        bulk(Decision, [Decision(meeting=m, order=i, text=_text(rng, 12)) for m in past_meetings for i in range(2)])
        bulk(ActionItem, [ActionItem(meeting=m, order=0, text=_text(rng, 6), owner=m.organiser,
                                     due_on=m.starts_at.date() + timedelta(days=14)) for m in past_meetings])
        log(f"{len(meetings)} meetings, {len(invitations)} invitations")

        # --- reminders: rules, the deliveries already sent, the notifications they left ------------------
        rules = bulk(ReminderRule, [ReminderRule(programme=p, kind=kind, offset_days=offset,
                                                 send_time=DEFAULT_SEND_TIME)
                                    for p in progs for kind, offset in DEFAULT_RULES])
        rule_of = {(r.programme_id, r.kind, r.offset_days): r for r in rules}
        milestone_type = ContentType.objects.get_for_model(Milestone)
        deliveries = []
        for m in milestones:
            if m.owner_id is None or m.due_on >= today:
                continue
            for kind, offset in ((ReminderKind.MILESTONE_BEFORE, 14), (ReminderKind.MILESTONE_BEFORE, 3),
                                 (ReminderKind.MILESTONE_DUE, 0)):
                send_at = _moment(m.due_on - timedelta(days=offset), 9)
                deliveries.append(Delivery(
                    rule=rule_of[(m.programme_id, kind, offset)], programme_id=m.programme_id, kind=kind,
                    recipient_id=m.owner_id, target_type=milestone_type, target_id=m.pk,
                    occurrence=m.due_on.isoformat(), send_at=send_at, state=Delivery.State.SENT,
                    channel=Delivery.Channel.EMAIL, subject=f"Påmindelse: {m.title_da}",
                    claim_token=HISTORY_CLAIM, claimed_at=send_at, published_at=send_at,
                    sent_at=send_at, attempts=1))
        deliveries = bulk(Delivery, deliveries)
        notes = []
        per_user: dict[int, int] = {}
        for d in reversed(deliveries):  # newest first: each person keeps their latest
            if per_user.get(d.recipient_id, 0) >= notifications_per_user:
                continue
            per_user[d.recipient_id] = per_user.get(d.recipient_id, 0) + 1
            notes.append(Notification(recipient_id=d.recipient_id, category=KIND_CATEGORY[d.kind], title=d.subject,
                                      body=_text(rng, 15), url=f"/programmes/{by_pk[d.programme_id].slug}/",
                                      delivery=d, created_at=d.send_at,
                                      read_at=d.send_at + timedelta(hours=3) if rng.random() < 0.7 else None))
        # the writer's people (one member of a team per programme, WRITERS below) have a stock of unread
        # notifications to mark read while the pages are measured (no rng: the rest of the dataset stays as it was)
        writers = _writers(progs, parts_of, staff_by_municipality, first_municipality, entries, meetings, now,
                           measured_meeting=_measured_meeting(meetings, progs[0], now))
        for writer in writers:
            notes += [Notification(recipient_id=writer["user_id"], category=KIND_CATEGORY[ReminderKind.MEETING_BEFORE],
                                   title=f"{WRITER_NOTE_TITLE} {k}", body="Bench.", url="/meetings/",
                                   created_at=now - timedelta(minutes=k + 1)) for k in range(WRITER_UNREAD)]
        # the people the benchmark logs in as get a full notification centre too
        for user in named.values():
            notes += [Notification(recipient=user, category=KIND_CATEGORY[ReminderKind.MEETING_BEFORE],
                                   title=f"Møde om {k} dage", body=_text(rng, 15), url="/meetings/",
                                   created_at=now - timedelta(hours=7 * k),
                                   read_at=None if k % 3 else now - timedelta(hours=7 * k - 1))
                      for k in range(notifications_per_user * 5)]
        bulk(Notification, notes)
        log(f"{len(deliveries)} reminder deliveries, {len(notes)} notifications")

        # --- community ---------------------------------------------------------------------------------------
        items = []
        for k, x in enumerate(parts[:: max(1, len(parts) // 300)]):
            items.append(LibraryItem(
                kind=list(LibraryItem.Kind)[k % 4], visibility=[Visibility.COMMUNITY, Visibility.PUBLIC,
                                                                Visibility.COHORT][k % 3],
                programme_id=programme_of[x.cohort_id], participation=x if k % 4 == 3 else None,
                municipality_id=x.municipality_id, title_da=f"{_text(rng, 5)} {k}", title_en=f"Item {k}",
                summary_da=_text(rng, 30), body_da=_text(rng, 200), material_stream=rng.choice(streams),
                strategy=rng.choice(strategies), sdgs=sorted(rng.sample(range(1, 18), 2)),
                author=staff_by_municipality[x.municipality_id][0], published_at=now - timedelta(days=k)))
        items = bulk(LibraryItem, items)
        models_ = [i for i in items if i.kind == LibraryItem.Kind.SOLUTION_MODEL]
        adoptions = {}
        for item in models_:
            for m in rng.sample(municipalities, 3):
                adoptions[(item.pk, m.pk)] = Adoption(item=item, municipality=m,
                                                      adopted_by=staff_by_municipality[m.pk][0],
                                                      note=_text(rng, 10))
        bulk(Adoption, list(adoptions.values()))
        threads = bulk(Thread, [
            Thread(kind=Thread.Kind.SPARRING if k % 2 else Thread.Kind.QUESTION, title=_text(rng, 6),
                   body=_text(rng, 40), author=staff_by_municipality[m.pk][0], municipality=m,
                   programme=progs[k % len(progs)] if k % 3 == 0 else None,
                   visibility=Visibility.COHORT if k % 3 == 0 else Visibility.COMMUNITY,
                   material_stream=rng.choice(streams))
            for k, m in enumerate(municipalities * 2)])
        bulk(Post, [Post(thread=t, author=staff_by_municipality[m.pk][0], municipality=m, body=_text(rng, 25))
                    for t in threads for m in rng.sample(municipalities, 4)])
        log(f"{len(items)} library items, {len(threads)} threads")

        # --- open calls (their own random numbers: the rest of the dataset stays as it was) ----------------------
        calls = _calls(bulk, progs, parts_of, cohorts_of, staff_by_municipality, facilitators, advisors, named,
                       programmes=programmes, seed=seed, now=now, today=today)
        log(f"{counts['calls.Call']} calls, {counts['calls.Application']} applications, "
            f"{counts['calls.Review']} reviews")

    from programmes.status import status_refresh_all

    counts["participation statuses"] = status_refresh_all()  # bulk_create wrote no status rows
    counts["seconds"] = round(time.perf_counter() - started, 1)
    main = progs[0]
    first_part = next(x for x in parts_of[main.pk] if x.municipality_id == first_municipality.pk)
    meeting = _measured_meeting(meetings, main, now)
    follow = next(m for m in meetings if m.programme_id == main.pk and m.kind == Meeting.Kind.FOLLOW_GROUP)
    return {"programme": main.slug, "participation": first_part.pk, "cohort": first_part.cohort_id,
            "meeting": meeting.pk, "follow_group_meeting": follow.pk,
            "call": calls["open"], "call_application": calls["application"],
            "users": {key: email(tag + local) for key, local in BENCH_USERS.items()},
            "writers": [{k: v for k, v in w.items() if k != "user_id"} for w in writers],
            "counts": counts}


CALL_CRITERIA = [("Ambition og systemisk tilgang", "Ambition and systemic approach", 3),
                 ("Politisk og tværgående forankring", "Political and cross-departmental anchoring", 2),
                 ("Mulighed for at teste i praksis", "Room to test in practice", 2),
                 ("Samarbejde med lokale aktører", "Collaboration with local actors", 1)]
CALL_QUESTIONS = [  # kind, Danish, English, required, Danish choices
    ("long_text", "Hvem i kommunen deltager, og fra hvilke forvaltninger?",
     "Who in the municipality takes part, and from which departments?", True, ""),
    ("number", "Hvor mange timer om måneden kan teamet afsætte?", "How many hours a month can the team set aside?",
     False, ""),
    ("yes_no", "Har kommunen en vedtaget cirkulær handleplan?",
     "Does the municipality have an adopted circular action plan?", True, ""),
    ("choice", "Hvor moden er kommunens cirkulære indsats?", "How mature is the municipality's circular work?", True,
     "Begyndende\nI gang\nForankret"),
    ("short_text", "Kontaktperson i direktionen", "Contact in the executive board", False, ""),
]
CALL_APPLICATIONS = 40  # per call, from the programme's municipalities (all of them in a smaller programme)


def _calls(bulk, progs, parts_of, cohorts_of, staff_by_municipality, facilitators, advisors, named, *,
           programmes, seed, now, today) -> dict:
    """Every programme's open call (open now, for its last cohort) and its closed call (the one that recruited its
    first cohort, decided before the programme started), each with 4 criteria, 5 questions, up to 40
    applications from the programme's municipalities and 3 reviewers: in the measured (first) programme the bench
    facilitator and the programme's two facilitators, elsewhere the two facilitators and an advisor as the
    external reviewer.

    The states are those the services leave: the open call has drafts and submitted applications, none decided
    (decisions come after the deadline); the closed call has a few drafts that were never submitted and every
    submitted application decided (accepted ones linked to their participation in the call's cohort, one
    withdrawn, the rest wait-listed or declined). Every submitted application is assigned to the three reviewers;
    about half have their reviews submitted with scores (now and then a declared conflict of interest), the
    others wait. The first application of every call is submitted and scored (the benchmark reads one)."""
    from calls.models import (
        SCORE_MAX,
        Application,
        ApplicationEditor,
        Call,
        Criterion,
        Question,
        Review,
        Reviewer,
        Score,
    )
    from programmes.models import LocalChallenge

    rng = random.Random(seed * 1009 + 19)
    streams, strategies = list(LocalChallenge.MaterialStream), list(LocalChallenge.Strategy)
    call_rows, plans = [], []
    for index, p in enumerate(progs):
        facs = facilitators[2 * (p.pk % programmes): 2 * (p.pk % programmes) + 2]
        third = named["facilitator"] if index == 0 else advisors[(3 * p.pk) % len(advisors)]
        for phase in (Call.Phase.OPEN, Call.Phase.CLOSED):
            if phase == Call.Phase.OPEN:
                opens, deadline, ends = today - timedelta(days=21), today + timedelta(days=30), today + timedelta(60)
                cohort, title_da, title_en = cohorts_of[p.pk][-1], f"Optag til {p.name_da}", f"Join {p.name_en}"
            else:
                opens, deadline = p.starts_on - timedelta(days=90), p.starts_on - timedelta(days=45)
                ends = p.starts_on - timedelta(days=20)
                cohort = cohorts_of[p.pk][0]
                title_da, title_en = f"Invitation til {p.name_da}", f"Invitation to {p.name_en}"
            call_rows.append(Call(programme=p, cohort=cohort, title_da=title_da, title_en=title_en,
                                  text_da=_text(rng, 80), text_en=_text(rng, 80), eligibility_da=_text(rng, 15),
                                  opens_at=_moment(opens, 9), deadline=_moment(deadline, 12),
                                  assessment_ends_on=ends, places=8 if phase == Call.Phase.OPEN else 12,
                                  created_by=facs[0]))
            plans.append((p, phase, [*facs, third]))
    call_rows = bulk(Call, call_rows)
    criteria = bulk(Criterion, [Criterion(call=c, order=i, name_da=da, name_en=en, weight=weight)
                                for c in call_rows for i, (da, en, weight) in enumerate(CALL_CRITERIA, start=1)])
    questions = bulk(Question, [Question(call=c, order=i, kind=kind, label_da=da, label_en=en, required=required,
                                         choices_da=choices)
                                for c in call_rows for i, (kind, da, en, required, choices)
                                in enumerate(CALL_QUESTIONS, start=1)])
    reviewers = bulk(Reviewer, [Reviewer(call=c, user=user, added_by=people[0])
                                for c, (_p, _phase, people) in zip(call_rows, plans, strict=True)
                                for user in people])

    def answer(question, full):
        if not full and (not question.required or rng.random() < 0.5):
            return None
        if question.kind == Question.Kind.NUMBER:
            return float(rng.randrange(10, 80))
        if question.kind == Question.Kind.YES_NO:
            return rng.random() < 0.6
        if question.kind == Question.Kind.CHOICE:
            return rng.choice(question.choices_da.splitlines())
        return _text(rng, 4 if question.kind == Question.Kind.SHORT_TEXT else 30)

    applications, scored, firsts = [], set(), set()
    for call, (p, phase, people) in zip(call_rows, plans, strict=True):
        own = [q for q in questions if q.call_id == call.pk]
        closed = phase == Call.Phase.CLOSED
        chosen = rng.sample(parts_of[p.pk], min(CALL_APPLICATIONS, len(parts_of[p.pk])))
        accepted = withdrawn = 0
        for k, x in enumerate(chosen):
            contact = staff_by_municipality[x.municipality_id][0]
            if k == 0:
                firsts.add((call.pk, x.municipality_id))
            submitted = k == 0 or rng.random() < (0.85 if closed else 0.6)
            full = submitted or rng.random() < 0.3
            application = Application(
                call=call, municipality_id=x.municipality_id, contact_name=contact.full_name,
                contact_email=contact.email, contact_department="Klima og Miljø",
                challenge_title=_text(rng, 5) if full or rng.random() < 0.5 else "",
                problem_statement=_text(rng, 60) if full else "",
                material_stream=rng.choice(streams) if full else "", strategy=rng.choice(strategies) if full else "",
                sdgs=sorted(rng.sample(range(1, 18), 2)) if full else [],
                answers={str(q.pk): a for q in own if (a := answer(q, submitted)) is not None})
            if submitted:
                application.state = Application.State.SUBMITTED
                span = (min(call.deadline, now) - call.opens_at).total_seconds()
                application.submitted_at = call.opens_at + timedelta(seconds=rng.uniform(0.2, 0.95) * span)
                if k == 0 or rng.random() < 0.5:
                    scored.add((call.pk, x.municipality_id))
            if closed and submitted:
                if x.cohort_id == call.cohort_id and accepted < call.places:
                    decision, accepted = Application.Decision.ACCEPTED, accepted + 1
                    application.participation = x
                elif x.cohort_id != call.cohort_id and not withdrawn:
                    decision, withdrawn = Application.Decision.WITHDRAWN, 1
                else:
                    decision = [Application.Decision.WAITLISTED, Application.Decision.DECLINED][k % 2]
                application.decision, application.decision_message = decision, _text(rng, 20)
                application.decided_at = call.deadline + timedelta(days=20 + k % 5)
                application.decided_by = people[0]
            applications.append(application)
    applications = bulk(Application, applications)
    bulk(ApplicationEditor, [ApplicationEditor(application=a, email=a.contact_email, name=a.contact_name,
                                               confirmed_at=a.submitted_at or a.call.opens_at + timedelta(days=1))
                             for a in applications])
    reviewers_of = {}
    for reviewer in reviewers:
        reviewers_of.setdefault(reviewer.call_id, []).append(reviewer)
    reviews = []
    for a in applications:
        if a.state != Application.State.SUBMITTED:
            continue
        done = (a.call_id, a.municipality_id) in scored
        first = (a.call_id, a.municipality_id) in firsts
        for reviewer in reviewers_of[a.call_id]:
            conflict = done and not first and rng.random() < 0.05
            reviews.append(Review(application=a, reviewer=reviewer, conflict_of_interest=conflict,
                                  comment=_text(rng, 12) if done and not conflict else "",
                                  submitted_at=min(now, a.submitted_at + timedelta(days=rng.randrange(3, 20)))
                                  if done else None))
    reviews = bulk(Review, reviews)
    criteria_of = {}
    for criterion in criteria:
        criteria_of.setdefault(criterion.call_id, []).append(criterion)
    call_of = {a.pk: a.call_id for a in applications}
    bulk(Score, [Score(review=r, criterion=c, value=rng.randrange(1, SCORE_MAX + 1),
                       comment=_text(rng, 6) if rng.random() < 0.3 else "")
                 for r in reviews if r.submitted_at is not None and not r.conflict_of_interest
                 for c in criteria_of[call_of[r.application_id]]])
    measured = call_rows[0]
    first = next(a for a in applications if a.call_id == measured.pk)
    return {"open": measured.pk, "application": first.pk}


def _measured_meeting(meetings, main, now):
    """The meeting whose page is measured: the national programme's next learning module (or its first meeting)."""
    from workshops.models import Meeting

    ahead = [m for m in meetings if m.programme_id == main.pk and m.kind == Meeting.Kind.LEARNING_MODULE
             and m.starts_at > now]
    return ahead[0] if ahead else next(m for m in meetings if m.programme_id == main.pk and m.participation_id is None)


def _writers(progs, parts_of, staff_by_municipality, first_municipality, entries, meetings, now, *,
             measured_meeting) -> list[dict]:
    """Who writes during the benchmark (``bench.writer``), one person per programme: the second member of the team
    of a municipality that is not the measured one (another municipality in each programme), with a published
    entry of theirs to comment on and a coming meeting of the programme they are invited to (in the national
    programme, the meeting whose page is measured)."""
    from programmes.models import Participation
    from workshops.models import Meeting

    latest_entry = {}
    for entry in entries:
        if entry.published_at is not None:
            latest_entry[entry.participation_id] = entry.pk  # entries are in date order per participation
    used, writers = {first_municipality.pk}, []
    for index, p in enumerate(progs):
        # a small dataset (tests) may have no municipality left that writes nowhere else: then one that does
        x: Participation = next((x for x in parts_of[p.pk] if x.municipality_id not in used),
                                next((x for x in parts_of[p.pk] if x.municipality_id != first_municipality.pk),
                                     parts_of[p.pk][0]))
        used.add(x.municipality_id)
        person = staff_by_municipality[x.municipality_id][1]
        if index == 0 and measured_meeting.starts_at > now + timedelta(days=2):
            meeting = measured_meeting
        else:
            meeting = next(m for m in meetings if m.programme_id == p.pk and m.participation_id is None
                           and m.kind != Meeting.Kind.FOLLOW_GROUP and m.starts_at > now + timedelta(days=2))
        writers.append({"programme": p.slug, "email": person.email, "user_id": person.pk, "participation": x.pk,
                        "entry": latest_entry.get(x.pk), "meeting": meeting.pk})
    return writers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write the national benchmark dataset into DATABASE_URL.")
    parser.add_argument("--programmes", type=int, default=12)
    parser.add_argument("--per-programme", type=int, default=None,
                        help="Municipalities in every programme (default: national — 98 in the first, 20–60 else).")
    parser.add_argument("--cohorts", type=int, default=3)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "circular_cities.settings")
    import django

    django.setup()
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in str(name) and "loadtest" not in str(name):
        sys.exit(f"Refusing to write into {name!r}: the database name must contain 'bench' or 'loadtest'.")
    result = generate(programmes=args.programmes, municipalities_per_programme=args.per_programme,
                      cohorts=args.cohorts, months=args.months, seed=args.seed, verbose=True)
    rows = sum(v for k, v in result["counts"].items() if k != "seconds")
    print(f"Generated {rows} rows in {result['counts']['seconds']} s:")
    for label, count in sorted(result["counts"].items()):
        if label != "seconds":
            print(f"  {label:40} {count:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

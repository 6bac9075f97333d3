"""Community screens. Thin: parse input → selector (404) → predicate (403) → one service → page or htmx partial.

Members only, except the public showcase (``showcase*``), its feed, and files of public items."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import scope_of
from calls.selectors import open_calls
from circular_cities.downloads import download_filename, name_download
from circular_cities.utils import add_service_errors, paginate
from municipalities.models import Municipality

from . import selectors, services
from .forms import (
    AdoptionForm,
    DirectoryFilterForm,
    LibraryFilterForm,
    LibraryItemForm,
    ModerateForm,
    MunicipalityFilterForm,
    PostForm,
    ProfileForm,
    ReportForm,
    SearchForm,
    ShowcaseFilterForm,
    ThreadFilterForm,
    ThreadForm,
)
from .models import LibraryItem, ModerationAction
from .permissions import (
    can_adopt,
    can_answer,
    can_ask,
    can_create_item,
    can_delete_adoption,
    can_edit_item,
    can_moderate,
    can_report,
    can_view_moderation,
    can_write_solution_model_for,
    is_member,
)

LANGUAGES = ("da", "en")


def member_required(view):
    """Signed in (else the login page) and a member of the community (else 403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _query(request, *keys) -> str:
    return urlencode({k: request.GET[k] for k in keys if request.GET.get(k)})


def _filters(form_class, request):
    form = form_class(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _list_page(request, template_name: str, context: dict, build):
    """A list page with a filter bar: an htmx request (the filter bar) gets the template's ``results`` partial."""
    if request.htmx:
        return render(request, f"{template_name}#results", {**context, **build()})
    return render(request, template_name, {**context, **build()})


# --- Overview ----------------------------------------------------------------------------------------

@member_required
def index(request):
    user = request.user
    context = {
        "items": selectors.recent_items(user=user),
        "threads": list(selectors.thread_list(user=user)[:5]),
        "can_ask": can_ask(user), "can_create": can_create_item(user),
        "can_view_moderation": can_view_moderation(user),
        "search": SearchForm(),
    }
    return render(request, "community/index.html", context)


# --- Library -----------------------------------------------------------------------------------------

@member_required
def library(request):
    def build():
        filters, data = _filters(LibraryFilterForm, request)
        page = paginate(request, selectors.library_list(user=request.user, filters=selectors.LibraryFilters(
            kind=data.get("kind") or "", material_stream=data.get("material_stream") or "",
            strategy=data.get("strategy") or "", sdg=data.get("sdg"), programme=data.get("programme"))),
            per_page=20)
        return {"page": page, "filters": filters,
                "query": _query(request, "kind", "material_stream", "strategy", "sdg", "programme")}

    return _list_page(request, "community/library.html", {"can_create": can_create_item(request.user)}, build)


def _item_form(request, *, item: LibraryItem | None = None, initial=None):
    user = request.user
    return LibraryItemForm(
        request.POST or None, request.FILES or None, initial=initial,
        programmes=selectors.programmes_for_tagging(user=user),
        participations=selectors.participations_for_solution_models(user=user), editing=item)


def _check_solution_model_rights(request, form) -> bool:
    participation = form.cleaned_data.get("participation")
    if participation is not None and not can_write_solution_model_for(request.user, participation):
        form.add_error("participation", _("Only the municipality's team and the programme's facilitators can "
                                          "publish its solution model."))
        return False
    return True


@member_required
def item_create(request):
    if not can_create_item(request.user):
        raise PermissionDenied
    initial = {"kind": request.GET.get("kind") or LibraryItem.Kind.CASE}
    if (wanted := request.GET.get("participation", "")).isascii() and wanted.isdigit() and len(wanted) < 19:
        initial.update(kind=LibraryItem.Kind.SOLUTION_MODEL, participation=int(request.GET["participation"]))
    form = _item_form(request, initial=initial)
    if request.method == "POST" and form.is_valid() and _check_solution_model_rights(request, form):
        try:
            item = services.library_item_create(by=request.user, kind=form.cleaned_data["kind"],
                                                **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is in the library.") % {"title": item.title}
                             if item.is_published else _("“%(title)s” is saved as a draft.") % {"title": item.title})
            return redirect(item.get_absolute_url())
    return render(request, "community/item_form.html", {"form": form, "item": None})


@member_required
def item_detail(request, pk):
    user = request.user
    item = selectors.item_get_for_user_or_404(user=user, pk=pk)
    adoptions = list(item.adoptions.all())
    for adoption in adoptions:
        adoption.item = item
        adoption.can_delete = can_delete_adoption(user, adoption)
    context = {
        "item": item, "adoptions": adoptions, "can_edit": can_edit_item(user, item),
        "can_adopt": can_adopt(user, item), "can_moderate": can_moderate(user, item),
        "can_report": can_report(user), "moderate_form": ModerateForm(),
    }
    return render(request, "community/item_detail.html", context)


@member_required
def item_edit(request, pk):
    item = selectors.item_get_for_user_or_404(user=request.user, pk=pk)
    if not can_edit_item(request.user, item):
        raise PermissionDenied
    form = _item_form(request, item=item, initial=LibraryItemForm.initial_from(item))
    if request.method == "POST" and form.is_valid() and _check_solution_model_rights(request, form):
        try:
            item = services.library_item_update(item=item, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(item.get_absolute_url())
    return render(request, "community/item_form.html", {"form": form, "item": item})


def item_file(request, pk):
    """A library item's file, for whoever may see the item (public items: everyone)."""
    item = selectors.item_get_for_user_or_404(user=request.user, pk=pk)
    if not item.attachment:
        raise Http404
    extension = item.attachment.name.rsplit(".", 1)[-1]
    try:
        handle = item.attachment.open("rb")
    except FileNotFoundError as missing:  # gone from disk (a restore without media): as for photos and materials
        raise Http404 from missing
    response = FileResponse(handle, content_type=item.attachment_type or "application/octet-stream")
    name_download(response, download_filename(item.title[:100] or _("file"), extension=extension))
    response.headers["Cache-Control"] = "private, no-store" if not item.is_public else "public, max-age=3600"
    return response


@member_required
def item_adopt(request, pk):
    item = selectors.item_get_for_user_or_404(user=request.user, pk=pk)
    if not can_adopt(request.user, item):
        raise PermissionDenied
    municipalities = selectors.municipalities_for_adoption(user=request.user, item=item)
    if not municipalities.exists():
        raise PermissionDenied
    form = AdoptionForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            adoption, created = services.adoption_record(
                item=item, by=request.user, municipality=form.cleaned_data["municipality"],
                kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(municipality)s is recorded as adopting this solution model. "
                                        "The original team has been told.") % {"municipality": adoption.municipality}
                             if created else _("The adoption is updated."))
            return redirect(item.get_absolute_url() + "#adoptions")
    return render(request, "community/item_adopt.html", {"item": item, "form": form})


@require_POST
@member_required
def adoption_delete(request, pk):
    adoption = selectors.adoption_get_for_user_or_404(user=request.user, pk=pk)
    if not can_delete_adoption(request.user, adoption):
        raise PermissionDenied
    item = adoption.item
    services.adoption_delete(adoption=adoption)
    messages.success(request, _("The adoption by %(municipality)s is removed.") % {
        "municipality": adoption.municipality})
    return redirect(item.get_absolute_url() + "#adoptions")


# --- Sparring ----------------------------------------------------------------------------------------

@member_required
def threads(request):
    filters, data = _filters(ThreadFilterForm, request)  # no database: choices only

    def build():
        page = paginate(request, selectors.thread_list(
            user=request.user, kind=data.get("kind") or "", material_stream=data.get("material_stream") or "",
            mine=bool(data.get("mine"))), per_page=20)
        return {"page": page, "query": _query(request, "kind", "material_stream", "mine")}

    return _list_page(request, "community/threads.html", {"filters": filters, "can_ask": can_ask(request.user)},
                      build)


def _staff_municipalities(user):
    return Municipality.objects.filter(pk__in=scope_of(user).staff_municipalities).order_by("name")


@member_required
def thread_create(request):
    if not can_ask(request.user):
        raise PermissionDenied
    municipalities = _staff_municipalities(request.user)
    form = ThreadForm(request.POST or None, programmes=selectors.programmes_for_tagging(user=request.user),
                      municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_create(
                by=request.user, kind=data["kind"], title=data["title"], body=data["body"],
                visibility=data["visibility"], programme=data.get("programme"), municipality=data.get("municipality"),
                material_stream=data.get("material_stream", ""), strategy=data.get("strategy", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your question is posted. Below are municipalities you could spar with."))
            return redirect(thread.get_absolute_url())
    own = [m.pk for m in municipalities]
    suggestions = selectors.partner_suggestions(
        user=request.user, material_stream=form["material_stream"].value() or "",
        strategy=form["strategy"].value() or "", exclude_municipality_ids=own)
    return render(request, "community/thread_form.html", {"form": form, "suggestions": suggestions,
                                                           "suggestion_basis": bool(form["material_stream"].value()
                                                                                    or form["strategy"].value())})


@member_required
def partner_suggestions(request):
    """Suggested sparring partners for a material stream and strategy (live, as the asker chooses)."""
    own = list(_staff_municipalities(request.user).values_list("pk", flat=True))
    material_stream = request.GET.get("material_stream", "")
    strategy = request.GET.get("strategy", "")
    context = {"suggestions": selectors.partner_suggestions(
        user=request.user, material_stream=material_stream, strategy=strategy, exclude_municipality_ids=own),
        "suggestion_basis": bool(material_stream or strategy)}
    if request.htmx:
        return render(request, "community/thread_form.html#suggestions", context)
    return render(request, "community/suggestions.html", context)


def _thread_context(request, thread, *, form=None) -> dict:
    user = request.user
    page = paginate(request, selectors.thread_posts(thread=thread), per_page=50)
    moderator = can_moderate(user, thread)
    exclude = [thread.municipality_id] if thread.municipality_id else []
    return {
        "thread": thread, "page": page, "can_moderate": moderator, "can_report": can_report(user),
        "can_answer": can_answer(user, thread), "form": form or PostForm(),
        "suggestions": selectors.partner_suggestions(user=user, material_stream=thread.material_stream,
                                                     strategy=thread.strategy, exclude_municipality_ids=exclude),
        "suggestion_basis": bool(thread.material_stream or thread.strategy),
        "moderate_form": ModerateForm(),
    }


@member_required
def thread_detail(request, pk):
    try:
        thread = selectors.thread_get_for_user_or_404(user=request.user, pk=pk)
    except Http404:
        # Its author is told that a moderator hid it (and why), not that it does not exist; others get the 404.
        hidden = selectors.own_hidden_thread(user=request.user, pk=pk)
        if hidden is None:
            raise
        return render(request, "community/thread_hidden.html", {"thread": hidden})
    return render(request, "community/thread_detail.html", _thread_context(request, thread))


@require_POST
@member_required
def post_create(request, pk):
    thread = selectors.thread_get_for_user_or_404(user=request.user, pk=pk)
    if not can_answer(request.user, thread):
        raise PermissionDenied
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(thread=thread, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return render(request, "community/thread_detail.html#answer-added", {
                    "post": post, "thread": thread, "form": PostForm(), "can_answer": True,
                    "can_report": can_report(request.user), "can_moderate": can_moderate(request.user, thread)})
            messages.success(request, _("Your answer is posted."))
            return redirect(post.get_absolute_url())
    if request.htmx:
        return render(request, "community/thread_detail.html#answer-form", {"thread": thread, "form": form,
                                                                             "can_answer": True})
    return render(request, "community/thread_detail.html", _thread_context(request, thread, form=form))


# --- People and municipalities ---------------------------------------------------------------------------

@member_required
def members(request):
    def build():
        filters, data = _filters(DirectoryFilterForm, request)
        page = paginate(request, selectors.member_directory(user=request.user, query=data.get("q") or "",
                                                            role=data.get("role") or ""), per_page=24)
        today = timezone.localdate()
        page.object_list = [selectors.member_card(u, today) for u in page.object_list]
        return {"page": page, "filters": filters, "query": _query(request, "q", "role")}

    return _list_page(request, "community/members.html", {}, build)


@member_required
def member_detail(request, pk):
    member = selectors.member_get_for_user_or_404(user=request.user, pk=pk)
    return render(request, "community/member_detail.html", {
        "card": selectors.member_card(member), "is_me": member.pk == request.user.pk})


@member_required
def profile_edit(request):
    profile = selectors.profile_for(user=request.user)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("community:member", pk=request.user.pk)
    return render(request, "community/profile_form.html", {"form": form})


@member_required
def municipalities(request):
    def build():
        filters, data = _filters(MunicipalityFilterForm, request)
        page = paginate(request, selectors.community_municipalities(query=data.get("q") or ""), per_page=20)
        page.object_list = selectors.municipality_entries(user=request.user, municipalities=page.object_list)
        return {"page": page, "filters": filters, "query": _query(request, "q")}

    return render(request, "community/municipalities.html", build())


# --- Search ------------------------------------------------------------------------------------------

SEARCH_SECTIONS = ("library", "threads", "people")


@member_required
def search(request):
    form, data = _filters(SearchForm, request)  # no database: the words and the kind asked for
    query = (data.get("q") or "").strip()
    only = data.get("type") or ""
    user = request.user

    def build():
        results = {
            "library": selectors.search_items(user=user, query=query),
            "threads": selectors.search_threads(user=user, query=query),
            "people": selectors.search_people(user=user, query=query),
        }
        sections = []
        for key in SEARCH_SECTIONS:
            if only and key != only:
                continue
            if only:
                page = paginate(request, results[key], per_page=20)
                objects, total = page.object_list, page.paginator.count
            else:
                page = None
                objects = list(results[key][:6])
                total = results[key].count() if len(objects) == 6 else len(objects)
            if key == "people":
                objects = [selectors.member_card(u) for u in objects]
            sections.append({"key": key, "objects": objects, "total": total, "page": page})
        return {"sections": sections, "full_text": selectors.uses_full_text_search()}

    context = {"form": form, "q": query, "only": only, "query": urlencode({"q": query, "type": only})}
    # Library items, questions and people: each as the viewer may see them.
    return render(request, "community/search.html", {**context, **build()})


# --- Reports and moderation --------------------------------------------------------------------------

def _target_or_404(request, kind, pk):
    if kind not in selectors.TARGET_KINDS:
        raise Http404
    return selectors.target_get_for_user_or_404(user=request.user, kind=kind, pk=pk)


@member_required
def report(request, kind, pk):
    target = _target_or_404(request, kind, pk)
    if not can_report(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(by=request.user, target=target, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return redirect(target.get_absolute_url())
    return render(request, "community/report_form.html", {"form": form, "target": target, "kind": kind})


@require_POST
@member_required
def moderate(request, kind, pk):
    target = _target_or_404(request, kind, pk)
    if not can_moderate(request.user, target):
        raise PermissionDenied
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to hide or restore."))
        return redirect(target.get_absolute_url())
    action = form.cleaned_data["action"]
    entry = services.moderate(target=target, by=request.user, action=action, reason=form.cleaned_data["reason"])
    if entry is not None:
        messages.success(request, _("Hidden. Only moderators see it now.") if action == ModerationAction.Action.HIDE
                         else _("Restored. Everyone who may see it sees it again."))
    next_url = request.POST.get("next", "")
    if next_url == reverse("community:moderation"):
        return redirect(next_url)
    return redirect(target.get_absolute_url())


@member_required
def moderation(request):
    if not can_view_moderation(request.user):
        raise PermissionDenied
    reports = list(selectors.open_reports(user=request.user)[:100])
    page = paginate(request, selectors.moderation_log(user=request.user), per_page=30)
    return render(request, "community/moderation.html", {"reports": reports, "page": page,
                                                         "moderate_form": ModerateForm()})


@require_POST
@member_required
def report_resolve(request, pk):
    report_ = selectors.report_get_for_user_or_404(user=request.user, pk=pk)
    if not can_moderate(request.user, report_.target):
        raise PermissionDenied
    services.report_resolve(report=report_, by=request.user)
    messages.success(request, _("The report is closed; nothing was hidden."))
    return redirect("community:moderation")


# --- Public showcase (no login) ------------------------------------------------------------------------

def showcase_language(request) -> str:
    """``?lang=da|en`` picks the language of a showcase page (links from partners and hreflang alternates);
    without it, the visitor's language."""
    lang = request.GET.get("lang")
    if lang in LANGUAGES:
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        return lang
    return translation.get_language()[:2] if translation.get_language() else "da"


def _showcase_links(request, lang: str) -> dict:
    """This page in each language (links, hreflang alternates, canonical), keeping the other parameters."""

    def url(code: str | None) -> str:
        params = request.GET.copy()
        params.pop("lang", None)
        if code:
            params["lang"] = code
        return f"{request.path}?{params.urlencode()}" if params else request.path

    return {"lang_url": {code: url(code) for code in LANGUAGES},
            "alternates": {code: request.build_absolute_uri(url(code)) for code in LANGUAGES},
            "x_default": request.build_absolute_uri(url(None)),
            "canonical": request.build_absolute_uri(url(lang))}


def _showcase_response(request, template, context, lang):
    other = "en" if lang == "da" else "da"
    links = _showcase_links(request, lang)
    response = render(request, template, {**context, **links, "lang": lang, "other_lang": other,
                                          "other_lang_url": links["lang_url"][other]})
    response.headers["Content-Language"] = lang
    patch_vary_headers(response, ["Cookie"])  # without ?lang=, the language comes from the cookie
    return response


def showcase(request):
    lang = showcase_language(request)
    filters, data = _filters(ShowcaseFilterForm, request)
    page = paginate(request, selectors.showcase_items(kind=data.get("kind") or ""), per_page=12)
    query = urlencode({k: v for k, v in (("kind", data.get("kind")), ("lang", lang)) if v})
    # the latest accepted progress of the local tests, on the unfiltered first page
    progress = selectors.showcase_progress() if page.number == 1 and not data.get("kind") else []
    calls = list(open_calls()) if page.number == 1 and not data.get("kind") else []
    return _showcase_response(request, "community/showcase.html",
                              {"page": page, "filters": filters, "query": query, "progress": progress,
                               "open_calls": calls}, lang)


def showcase_item(request, pk):
    lang = showcase_language(request)
    item = selectors.showcase_item_or_404(pk=pk)
    return _showcase_response(request, "community/showcase_item.html", {
        "item": item, "adoptions": list(item.adoptions.all()),
        "missing_english": lang == "en" and not item.has_english(),
    }, lang)


"""Screens of "start a new programme from this one" and of named templates.

Thin: parse input → selector (404) → predicate (403) → one service → page. Copying is three steps on one
address: the form (new name, short name, start), the preview of every date before and after (the form's
values ride along as hidden fields), and the confirmation, which saves everything or nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from circular_cities.utils import add_service_errors
from programmes.navigation import programme_page_context
from programmes.selectors import programme_get_for_user_or_404

from . import services
from .forms import CopyForm, TemplateForm
from .permissions import can_copy_programme, can_keep_as_template, can_remove_template, can_use_templates
from .selectors import copy_preview, template_get_for_user_or_404, template_list_for_user, template_of


def _copy_steps(request, *, source, template=None):
    form = CopyForm(request.POST or None)
    context = {"source": source, "template": template, "form": form,
               "origin_name": template.name if template else source.name}
    if template is None:
        context.update(programme_page_context(request.user, source, "copy"))
    if request.method != "POST" or "edit" in request.POST or not form.is_valid():
        return render(request, "blueprints/copy_form.html", context)
    try:
        if "confirm" in request.POST:
            programme = services.programme_copy(source=source, by=request.user, **form.service_kwargs())
            messages.success(request, _("The programme %(name)s was created from %(source)s. You are its "
                                        "facilitator; enrol the municipalities and invite the people.") % {
                "name": programme.name, "source": context["origin_name"]})
            return redirect(programme.get_absolute_url())
        plan = copy_preview(source=source, starts_on=form.cleaned_data["starts_on"])
    except ValidationError as error:  # no start to move from, a short name taken meanwhile, a date out of range
        add_service_errors(form, error)
        return render(request, "blueprints/copy_form.html", context)
    try:
        plan.check()
    except ValidationError as error:  # shown above the dates, which are marked; there is nothing to confirm
        context["problem"] = error.messages[0]
    sections = plan.sections()
    context.update(plan=plan, sections=sections, days=plan.days, weeks=round(plan.days / 7, 1))
    return render(request, "blueprints/copy_preview.html", context)


@login_required
def programme_copy(request, slug):
    source = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_copy_programme(request.user, source):
        raise PermissionDenied
    return _copy_steps(request, source=source)


@login_required
def template_start(request, pk):
    template = template_get_for_user_or_404(user=request.user, pk=pk)
    return _copy_steps(request, source=template.programme, template=template)


@login_required
def template_keep(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    if not can_keep_as_template(request.user, programme):
        raise PermissionDenied
    existing = template_of(programme)
    initial = ({"name_da": existing.name_da, "name_en": existing.name_en} if existing else
               {"name_da": programme.name_da, "name_en": programme.name_en})
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_keep(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(programme)s is kept as the template %(name)s.") % {
                "programme": programme.name, "name": template.name})
            return redirect("blueprints:templates")
    context = {**programme_page_context(request.user, programme, "template"), "form": form, "existing": existing}
    return render(request, "blueprints/template_form.html", context)


@login_required
def template_list(request):
    if not can_use_templates(request.user):
        raise PermissionDenied
    templates = list(template_list_for_user(user=request.user))
    for template in templates:
        template.can_remove = can_remove_template(request.user, template)
    return render(request, "blueprints/template_list.html", {"templates": templates})


@require_POST
@login_required
def template_remove(request, pk):
    template = template_get_for_user_or_404(user=request.user, pk=pk)
    if not can_remove_template(request.user, template):
        raise PermissionDenied
    services.template_remove(template=template)
    messages.success(request, _("The template %(name)s was removed. The programme itself is unchanged.") % {
        "name": template.name})
    return redirect("blueprints:templates")

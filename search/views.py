from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode

from circular_cities.utils import DEFAULT_COUNT_CAP, CappedPaginator

from . import selectors
from .forms import SearchForm

PER_PAGE = 20
PER_KIND = 5
COUNT_CAP = DEFAULT_COUNT_CAP  # results counted on a kind's pages


@login_required
def search(request):
    """Everything the person may see that matches: the first few of every kind, or one kind, paginated."""
    programmes = selectors.visible_programmes(user=request.user)  # the filter's choices, and results' names
    known = {programme.pk: programme for programme in programmes}
    form = SearchForm(request.GET or None, programmes=selectors.programme_choices(programmes))
    data = form.cleaned_data if form.is_valid() else {}
    query = (data.get("q") or "").strip()
    kind = selectors.KINDS_BY_KEY.get(data.get("kind") or "")
    programme_id = data.get("programme")
    context = {"form": form, "q": query, "kind": kind, "sections": [],
               "full_text": selectors.uses_full_text_search(),
               "query": urlencode({k: v for k, v in {"q": query, "kind": kind.key if kind else "",
                                                      "programme": programme_id or ""}.items() if v})}
    if query and kind is not None:
        queryset = selectors.search_queryset(user=request.user, kind=kind, query=query, programme_id=programme_id)
        # Counted up to a thousand: a common word is in most of a national log (circular_cities.utils.capped_count)
        paginator = CappedPaginator(queryset if queryset is not None else [], PER_PAGE, cap=COUNT_CAP)
        page = paginator.get_page(request.GET.get("page"))
        context["sections"] = [selectors.Section(
            kind=kind, results=selectors.results_of(kind=kind, objects=page.object_list, query=query,
                                                   programmes=known), page=page)]
    elif query:
        sections = selectors.search_overview(user=request.user, query=query, programme_id=programme_id,
                                             per_kind=PER_KIND, programmes=known)
        for section in sections:
            section.more_query = urlencode({k: v for k, v in {"q": query, "kind": section.kind.key,
                                                               "programme": programme_id or ""}.items() if v})
        context["sections"] = [section for section in sections if section.results]
    return render(request, "search/results.html", context)

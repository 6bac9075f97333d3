from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from circular_cities.utils import paginate

from .selectors import programme_get_for_user_or_404, programme_list_for_user


@login_required
def programme_list(request):
    page = paginate(request, programme_list_for_user(user=request.user))
    return render(request, "programmes/programme_list.html", {"page": page})


@login_required
def programme_detail(request, slug):
    programme = programme_get_for_user_or_404(user=request.user, slug=slug)
    return render(request, "programmes/programme_detail.html", {"programme": programme})


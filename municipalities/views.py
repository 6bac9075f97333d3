from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from programmes.selectors import participation_get_for_user_or_404


@login_required
def participation_detail(request, pk):
    participation = participation_get_for_user_or_404(user=request.user, pk=pk)
    return render(request, "municipalities/participation_detail.html", {"participation": participation})

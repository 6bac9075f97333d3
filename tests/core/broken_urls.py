from django.urls import path


def boom(request):
    raise RuntimeError("a deliberate failure for the 500 page test")


urlpatterns = [path("boom/", boom)]
handler500 = "circular_cities.views.error_500"

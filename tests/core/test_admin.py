"""Every model of the project has an admin screen with search and filters that work."""

import pytest
from django.apps import apps
from django.contrib import admin

PROJECT_APPS = ("accounts", "municipalities", "programmes", "workshops", "community", "notifications", "blueprints")


def project_models():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue  # simple-history's shadow tables are shown through their model's admin
            yield model


def test_every_model_is_in_the_admin():
    missing = [m._meta.label for m in project_models() if m not in admin.site._registry]
    assert not missing, f"models without an admin screen: {missing}"


@pytest.mark.django_db
def test_every_admin_list_loads_with_search_and_filters(client):
    from tests.factories import AdminFactory, build_world

    build_world()
    client.force_login(AdminFactory())
    for model in project_models():
        model_admin = admin.site._registry[model]
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "by"}).status_code == 200, f"{url} search"
        assert model_admin.list_filter or model._meta.model_name in ("user",), f"{url} has no filters"

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from mouwakaba.accounts import api as accounts_api
from mouwakaba.accounts import views as accounts_views
from mouwakaba.cases import api as cases_api
from mouwakaba.core import views as core_views
from mouwakaba.directory import api as directory_api
from mouwakaba.eligibility import api as eligibility_api
from mouwakaba.indicators import api as indicators_api
from mouwakaba.people import api as people_api
from mouwakaba.referrals import api as referrals_api
from mouwakaba.territories import api as territories_api

router = DefaultRouter()
router.register("territories", territories_api.TerritoryViewSet, basename="territory")
router.register("cells", territories_api.CellViewSet, basename="cell")
for app_api in (
    people_api,
    directory_api,
    cases_api,
    eligibility_api,
    referrals_api,
    indicators_api,
):
    app_api.register(router)

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", accounts_api.obtain_token, name="token"),
    path("me/", accounts_api.me, name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"))),
    path("api/hsds/", include("mouwakaba.directory.hsds_urls")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", accounts_views.home, name="home"),
    # Under the language prefix so that the page's own URL resolves when translated.
    path("language/", accounts_views.switch_language, name="set_language"),
    path("", include("mouwakaba.core.urls")),
    path("accounts/", include("mouwakaba.accounts.urls")),
    path("cells/", include("mouwakaba.territories.urls")),
    path("people/", include("mouwakaba.people.urls")),
    path("cases/", include("mouwakaba.cases.urls")),
    path("directory/", include("mouwakaba.directory.urls")),
    path("eligibility/", include("mouwakaba.eligibility.urls")),
    path("referrals/", include("mouwakaba.referrals.urls")),
    path("indicators/", include("mouwakaba.indicators.urls")),
)

from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

from lantoa.access.admin_site import admin_urls

urlpatterns: list[URLPattern | URLResolver] = [
    # The public pages that phones hit many times a minute (a contest's answer autosave) are
    # matched first: each prefix tried before costs every request a resolver walk. None of
    # the other URL modules has a route under these prefixes.
    path("thi/", include("lantoa.contests.public_urls")),
    path("", include("lantoa.publicsite.urls")),
    path("", include("lantoa.portal.urls")),
    path("tai-khoan/", include("lantoa.access.urls")),
    path("don-vi/nhap/", include("lantoa.portal.unit_import_urls")),
    path("don-vi/", include("lantoa.portal.unit_urls")),
    path("kenh/", include("lantoa.channels.urls")),
    path("doi-ngu/", include("lantoa.roster.urls")),
    path("nhat-ky/", include("lantoa.access.audit_urls")),
    path("thong-bao/", include("lantoa.notifications.urls")),
    path("hop-thu/", include("lantoa.inquiries.urls")),
    path("cau-hoi/", include("lantoa.inquiries.public_urls")),
    path("tri-thuc/", include("lantoa.kb.urls")),
    path("hoi-dap/", include("lantoa.kb.public_urls")),
    path("webhooks/", include("lantoa.connectors.urls")),
    path("ket-noi/", include("lantoa.connectors.web_urls")),
    path("chien-dich/", include("lantoa.campaigns.urls")),
    path("noi-dung/", include("lantoa.content.urls")),
    path("trien-khai/", include("lantoa.cascades.urls")),
    path("dang-tai/", include("lantoa.publishing.urls")),
    path("cuoc-thi/", include("lantoa.contests.urls")),
    path("khao-sat/", include("lantoa.surveys.urls")),
    path("khao-sat/", include("lantoa.surveys.public_urls")),
    path("tro-choi/", include("lantoa.livegame.urls")),
    path("choi/", include("lantoa.livegame.public_urls")),
    path("hoat-dong/", include("lantoa.activities.urls")),
    path("bao-cao/", include("lantoa.reports.urls")),
    path("bao-cao/", include("lantoa.periods.urls")),  # /bao-cao/<code>/ky/…
    path("chi-tieu/", include("lantoa.targets.urls")),
    path("api/v1/", include("lantoa.api.urls")),
    path("khoa-api/", include("lantoa.api.web_urls")),
    path("quan-tri/", admin_urls()),
    path("i18n/", include("lantoa.portal.i18n_urls")),
]
# A database error outside a view (a middleware saving the session) gets the "busy" page too.
handler400 = "lantoa.core.unavailable.bad_request"
handler500 = "lantoa.core.unavailable.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

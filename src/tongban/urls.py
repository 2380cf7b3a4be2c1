from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tongban.api.urls import api

admin.site.site_header = "通办 tongban"
admin.site.site_title = "tongban"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workbench/", include("tongban.workbench.urls")),
    path("", include("tongban.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

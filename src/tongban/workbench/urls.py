from django.urls import path

from . import (
    case_views,
    catalog_views,
    certificate_urls,
    credit_urls,
    project_views,
    rules_urls,
    sharing_urls,
    supervision_urls,
    views,
    violation_urls,
)

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("counter/", case_views.counter, name="counter"),
    path("counter/desk/", case_views.choose_desk, name="choose-desk"),
    path("counter/start/", case_views.start_case, name="start-case"),
    path("counter/cases/<int:pk>/", case_views.intake, name="intake"),
    path("pickup/", case_views.pickup, name="pickup"),
    path("inbox/", case_views.inbox, name="inbox"),
    path("approvals/", case_views.approvals, name="approvals"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/files/<int:file_pk>/", case_views.case_file, name="case-file"),
    path(
        "cases/<int:pk>/documents/<str:kind>.pdf",
        case_views.case_document,
        name="case-document",
    ),
    path("agent/", case_views.agent, name="agent"),
    path("hall/", views.hall, name="hall"),
    path("hall/windows/<int:pk>/status/", views.window_status, name="window-status"),
    path("training/", views.training, name="training"),
    path("catalog/", catalog_views.catalog, name="catalog"),
    path("catalog/items/<str:impl_code>/", catalog_views.item, name="catalog-item"),
    path("catalog/versions/<int:pk>/", catalog_views.version, name="catalog-version"),
    path("training/<int:pk>/done/", views.lesson_done, name="lesson-done"),
    path("projects/", project_views.project_list, name="projects"),
    path("projects/butler/", project_views.butler, name="project-butler"),
    path("projects/<int:pk>/", project_views.project_detail, name="project"),
]

urlpatterns += (
    sharing_urls.urlpatterns
    + rules_urls.urlpatterns
    + certificate_urls.urlpatterns
    + supervision_urls.urlpatterns
    + violation_urls.urlpatterns
    + credit_urls.urlpatterns
)

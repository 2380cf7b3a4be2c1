from django.urls import path

from . import catalog_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("counter/", views.counter, name="counter"),
    path("inbox/", views.inbox, name="inbox"),
    path("approvals/", views.approvals, name="approvals"),
    path("agent/", views.agent, name="agent"),
    path("supervision/", views.supervision, name="supervision"),
    path("hall/", views.hall, name="hall"),
    path("hall/windows/<int:pk>/status/", views.window_status, name="window-status"),
    path("training/", views.training, name="training"),
    path("catalog/", catalog_views.catalog, name="catalog"),
    path("catalog/items/<str:impl_code>/", catalog_views.item, name="catalog-item"),
    path("catalog/versions/<int:pk>/", catalog_views.version, name="catalog-version"),
    path("training/<int:pk>/done/", views.lesson_done, name="lesson-done"),
]

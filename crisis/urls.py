"""Pages of the crisis communication registers (mounted at /crise/)."""

from crisis import views
from qualipref.lib.urls import page

urlpatterns = [
    page("astreinte/", views.on_call_roster),
    page("astreinte/nouvelle/", views.on_call_shift_create),
    page("astreinte/<int:pk>/modifier/", views.on_call_shift_edit),
    page("astreinte/<int:pk>/supprimer/", views.on_call_shift_delete),
    page("evenements/", views.crisis_event_list),
    page("evenements/nouveau/", views.crisis_event_create),
    page("evenements/<int:pk>/", views.crisis_event_detail),
    page("evenements/<int:pk>/modifier/", views.crisis_event_edit),
    page("evenements/<int:pk>/enseignements/nouveau/", views.crisis_lesson_add),
    page("evenements/<int:pk>/enseignements/<int:lesson_pk>/action/", views.crisis_lesson_action),
    page("communiques/", views.press_release_list),
    page("communiques/nouveau/", views.press_release_create),
    page("communiques/<int:pk>/modifier/", views.press_release_edit),
    page("communiques/export.csv", views.press_release_export_csv),
    page("communiques/export.xlsx", views.press_release_export_xlsx),
]

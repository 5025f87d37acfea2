from qualipref.lib.urls import page

from . import views

urlpatterns = [
    page("", views.programme_home),
    page("prefectures/<int:pk>/", views.programme_prefecture),
    page("prefectures/<int:pk>/annee/", views.programme_prefecture_year),
    page("prefectures/<int:pk>/regles/", views.programme_rules),
    page("sites/<int:pk>/", views.programme_site),
    page("sites/<int:pk>/annee/", views.programme_site_year),
    page("regles/<int:pk>/modifier/", views.programme_rule_edit),
    page("regles/<int:pk>/supprimer/", views.programme_rule_delete),
    page("agenda/", views.programme_feed),
    page("agenda/<str:token>.ics", views.programme_feed_ics),
]

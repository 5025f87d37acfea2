from django.urls import path

from sites import views

urlpatterns = [
    path("prefectures/", views.prefecture_list, name="prefecture_list"),
    path("prefectures/<int:pk>/", views.prefecture_detail, name="prefecture_detail"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/modifier/", views.site_edit, name="site_edit"),
    path("sites/<int:site_pk>/fermetures/nouvelle/", views.closure_create, name="closure_create"),
    path("sites/<int:site_pk>/fermetures/<int:pk>/supprimer/", views.closure_delete, name="closure_delete"),
]

from qualipref.lib.urls import page
from sites import views

urlpatterns = [
    page("prefectures/", views.prefecture_list),
    page("prefectures/<int:pk>/", views.prefecture_detail),
    page("sites/", views.site_list),
    page("sites/<int:pk>/", views.site_detail),
    page("sites/<int:pk>/modifier/", views.site_edit),
    page("sites/<int:site_pk>/fermetures/nouvelle/", views.closure_create),
    page("sites/<int:site_pk>/fermetures/<int:pk>/supprimer/", views.closure_delete),
]

from engagements.views import referentials as views
from qualipref.lib.urls import page

urlpatterns = [
    page("referentiels/", views.referential_list),
    page("referentiels/<int:pk>/", views.referential_detail),
]

from qualipref.lib.urls import page
from reviews import views

urlpatterns = [
    page("", views.review_list),
    page("rediger/", views.review_create),
    page("<int:pk>/", views.review_detail),
    page("<int:pk>/texte/<slug:section>/", views.review_narrative),
    page("<int:pk>/publier/", views.review_publish),
    page("<int:pk>/pdf/<int:pdf_pk>/", views.review_pdf_status),
    page("<int:pk>/pdf/<int:pdf_pk>/fichier/", views.review_pdf_file),
    page("<int:pk>/pdf/<int:pdf_pk>/classeur/", views.review_xlsx_file),
    page("<int:pk>/pdf/<int:pdf_pk>/relancer/", views.review_pdf_retry),
]

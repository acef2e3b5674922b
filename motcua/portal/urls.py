from django.urls import path

from motcua.portal import submission_views as submit
from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("tra-cuu/", views.tracking, name="tracking"),
    path("tra-cuu/<str:code>", views.tracking, name="tracking-code"),
    path("", views.home, name="home"),
    path("thu-tuc/<str:ref>/", views.procedure, name="procedure"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    # online submission (portal.submission)
    path("thu-tuc/<str:ref>/nop-truc-tuyen/", submit.start, name="submit-start"),
    path("ho-so-dang-soan/", submit.draft_list, name="drafts"),
    path("ho-so-dang-soan/<str:key>/", submit.resume, name="draft"),
    path("ho-so-dang-soan/<str:key>/xoa/", submit.delete, name="draft-delete"),
    path("ho-so-dang-soan/<str:key>/tep/<int:file_id>/", submit.draft_file, name="draft-file"),
    path("ho-so-dang-soan/<str:key>/<slug:slug>/", submit.step, name="draft-step"),
    path("nop-ho-so/bien-nhan/<str:code>/", submit.receipt, name="receipt"),
    path("dia-ban/xa/", submit.communes, name="communes"),
]

from django.urls import path

from motcua.portal import (
    data_access,
    dossier,
    payments,
    petitions,
    results_views,
    store,
    verification,
    views,
)
from motcua.portal import submission_views as submit

# The pages that hold the "pay online" form (portal.payments.allowing_payment_platform).
with_pay = payments.allowing_payment_platform

app_name = "portal"
urlpatterns = [
    path("tra-cuu/", views.tracking, name="tracking"),
    path("tra-cuu/<str:code>", views.tracking, name="tracking-code"),
    path("", views.home, name="home"),
    path("thu-tuc/<str:ref>/", views.procedure, name="procedure"),
    path("thu-tuc/<str:ref>/phan-anh/", petitions.procedure_petition,
         name="procedure-petition"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<str:code>/", with_pay(dossier.dossier), name="dossier"),
    path("ho-so-cua-toi/<str:code>/tep/<int:file_id>/", dossier.dossier_file,
         name="dossier-file"),
    path("ho-so-cua-toi/<str:code>/bo-sung/tep/", with_pay(dossier.supplement_file),
         name="dossier-supplement-file"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", with_pay(dossier.supplement_send),
         name="dossier-supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", dossier.withdraw, name="dossier-withdraw"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", with_pay(dossier.rate),
         name="dossier-rating"),
    path("ho-so-cua-toi/<str:code>/phan-anh/", with_pay(dossier.petition),
         name="dossier-petition"),
    path("ho-so-cua-toi/<str:code>/thanh-toan/", payments.pay, name="dossier-pay"),
    path("ho-so-cua-toi/<str:code>/thanh-toan/ket-qua/", payments.returned,
         name="dossier-payment-return"),
    path("ho-so-cua-toi/<str:code>/bien-lai/<str:reference>/", payments.receipt,
         name="dossier-receipt"),
    path("ho-so-cua-toi/<str:code>/bien-lai/<str:reference>/pdf", payments.receipt_pdf,
         name="dossier-receipt-pdf"),
    path("kho-du-lieu/", store.my_store, name="my-store"),
    path("kho-du-lieu/<int:item_id>/tai-ve/", store.store_file, name="store-file"),
    path("phan-anh-cua-toi/", petitions.my_petitions, name="my-petitions"),
    path("phan-anh-cua-toi/<int:petition_id>/", petitions.petition, name="petition"),
    path("phan-anh-cua-toi/<int:petition_id>/bo-sung/", petitions.petition_information,
         name="petition-information"),
    path("phan-anh-cua-toi/<int:petition_id>/danh-gia/", petitions.petition_rating,
         name="petition-rating"),
    # online submission (portal.submission)
    path("thu-tuc/<str:ref>/nop-truc-tuyen/", submit.start, name="submit-start"),
    path("ho-so-dang-soan/", submit.draft_list, name="drafts"),
    path("ho-so-dang-soan/<str:key>/", submit.resume, name="draft"),
    path("ho-so-dang-soan/<str:key>/xoa/", submit.delete, name="draft-delete"),
    path("ho-so-dang-soan/<str:key>/tep/<int:file_id>/", submit.draft_file, name="draft-file"),
    path("ho-so-dang-soan/<str:key>/<slug:slug>/", submit.step, name="draft-step"),
    path("nop-ho-so/bien-nhan/<str:code>/", submit.receipt, name="receipt"),
    path("dia-ban/xa/", submit.communes, name="communes"),
    # my account: who accessed my personal data (integration's exchange log)
    path("tai-khoan/truy-cap-du-lieu/", data_access.data_access, name="data-access"),
    # signed electronic results: public verification, the owner's download
    path("xac-thuc/", verification.verify_upload, name="verify"),
    path("xac-thuc/<uuid:public_id>/", verification.verify_result, name="verify-result"),
    path("ho-so-cua-toi/<str:code>/ket-qua/<uuid:public_id>/", results_views.download,
         name="result-download"),
]

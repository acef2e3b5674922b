from django.urls import path

from motcua.web import views

app_name = "web"
urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="sign-in"),
    path("dang-xuat/", views.SignOutView.as_view(), name="sign-out"),
]

from django.urls import path

from sandbox.people import views

population = [path("citizens/<str:id_number>", views.citizen, name="citizen")]
business = [path("enterprises/<str:tax_code>", views.business, name="business")]
civil_status = [path("citizens/<str:id_number>", views.civil_status, name="civil-status")]
judicial = [path("citizens/<str:id_number>", views.judicial, name="judicial")]

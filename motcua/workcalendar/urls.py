from django.urls import path

from motcua.workcalendar.api import DueDateView

urlpatterns = [path("calendar/due-date", DueDateView.as_view(), name="due-date")]

from django.urls import path

from motcua.notifications import api

urlpatterns = [
    path("notifications", api.Notifications.as_view(), name="notifications"),
    path("notifications/read-all", api.NotificationReadAll.as_view(),
         name="notifications-read-all"),
    path("notifications/<int:notification_id>/read", api.NotificationRead.as_view(),
         name="notification-read"),
]

"""Messages the sandbox gateways received (SMS and the citizen app), read back by tests."""

from django.db import models


class Message(models.Model):
    SMS, APP = "sms", "app"

    channel = models.CharField(max_length=5)
    message_id = models.CharField(max_length=100)  # the sender's id: a re-send is stored once
    to = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    received = models.PositiveIntegerField(default=1)  # how many times it was sent
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "message_id"],
                                               name="sandbox_message_once")]

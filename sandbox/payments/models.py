"""What the sandbox payment platform keeps: one row per INIT message it accepted."""

from django.db import models


class Transaction(models.Model):
    PENDING, PAID, CANCELLED = "pending", "paid", "cancelled"

    token = models.CharField(max_length=64, unique=True)  # in the payer's page address
    partner_code = models.CharField(max_length=40)
    reference = models.CharField(max_length=64)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    channel = models.CharField(max_length=20)
    init_time = models.CharField(max_length=14)
    ip = models.CharField(max_length=45)
    return_url = models.URLField(max_length=500)
    notify_url = models.URLField(max_length=500)
    receipt = models.JSONField(default=dict)
    status = models.CharField(max_length=10, default=PENDING)
    transaction_no = models.CharField(max_length=20, blank=True)
    paid_time = models.CharField(max_length=14, blank=True)
    callbacks = models.JSONField(default=list)  # what the partner answered to each callback
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner_code", "reference"],
                                               name="sandbox_payment_reference")]

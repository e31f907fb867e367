from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject",
            "body",
            "link",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class MarkAllReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True)

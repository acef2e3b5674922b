from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.org.models import AdministrativeUnit, Agency, Role, User
from motcua.org.selectors import active_roles


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=True)
    password = serializers.CharField(max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})


class RoleSerializer(serializers.Serializer):
    agency_code = serializers.CharField()
    agency_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


class UserSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=User.Kind.choices)
    roles = RoleSerializer(many=True)


def user_payload(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "kind": user.kind,
        "roles": [
            {"agency_code": r.agency.code, "agency_name": r.agency.name, "role": r.role}
            for r in active_roles(user)
        ],
    }


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = UserSerializer()


class UnitQuery(serializers.Serializer):
    level = serializers.ChoiceField(choices=AdministrativeUnit.Level.choices, required=False)
    parent = serializers.CharField(  # type: ignore[assignment]  # shadows Field.parent for mypy
        max_length=8, required=False, help_text=_("GSO code of the parent province, e.g. 37.")
    )
    q = serializers.CharField(max_length=100, required=False,
                              help_text=_("Name or code; diacritics and case are ignored."))


class UnitSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level", "division_type", "parent_code"]


class AgencyQuery(serializers.Serializer):
    unit = serializers.CharField(max_length=8, required=False,
                                 help_text=_("GSO code of the agency's unit."))
    province = serializers.CharField(
        max_length=8, required=False,
        help_text=_("GSO code of a province: its agencies and those of its communes."),
    )
    kind = serializers.ChoiceField(choices=Agency.Kind.choices, required=False)
    q = serializers.CharField(max_length=100, required=False,
                              help_text=_("Name or code; diacritics and case are ignored."))
    include_inactive = serializers.BooleanField(required=False, default=False)


class AgencySerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    receives_dossiers = serializers.BooleanField(read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "unit_code", "unit_name", "parent_code",
                  "is_active", "receives_dossiers"]


class CodeChangeSerializer(serializers.Serializer):
    old_code = serializers.CharField()
    new_code = serializers.CharField()
    changed_at = serializers.DateTimeField()
    reason = serializers.CharField()


class AgencyDetailSerializer(AgencySerializer):
    requested_code = serializers.SerializerMethodField(
        help_text=_("The code asked for; differs from `code` when it is a former code.")
    )
    code_history = CodeChangeSerializer(many=True)

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "requested_code", "code_history"]

    def get_requested_code(self, agency: Agency) -> str:
        code: str = self.context.get("requested_code", agency.code)
        return code

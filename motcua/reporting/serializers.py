"""The index API's input and output, in the national portal's evaluation API shape (DOMAIN.md
§5): `{code: "OK", message, data}` with `data.metrics` as `{code, name, numerator,
denominator, ratio, score, maxScore}` (and a few members more: the group, the cap, why there
is no score). The output serializers document the schema; the payloads are built by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from motcua.core.formatting import iso_local
from motcua.reporting import indicators
from motcua.reporting.indicators import GROUPS, STATUSES, Indicator, Score
from motcua.reporting.periods import MONTH, QUARTER, TIME_TYPES, Period, period_of
from motcua.reporting.selectors import COMMUNE, SCOPE_KINDS, Index, ProcedureTime, Ranked

UNIT_TYPES = ("agency", COMMUNE)
GROUP_CODES = tuple(g.code for g in GROUPS)
CLASSES = ("excellent", "weak", "")
IF_NONE = (indicators.FULL_IF_NONE, indicators.ZERO_IF_NONE, indicators.NO_SCORE)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodQuery(serializers.Serializer):
    timeType = serializers.ChoiceField(  # noqa: N815 - the portal's name
        choices=TIME_TYPES, help_text=gettext_lazy("The period: month, quarter or year."))
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, required=False,
        help_text=gettext_lazy("With timeType=quarter only."))
    month = serializers.IntegerField(
        min_value=1, max_value=12, required=False,
        help_text=gettext_lazy("With timeType=month only."))
    sectorId = serializers.IntegerField(  # noqa: N815
        min_value=1, max_value=2**63 - 1, required=False,
        help_text=gettext_lazy("Only the dossiers and procedures of this sector "
                               "(see /api/v1/sectors)."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs["timeType"]
        for name, wanted in (("quarter", QUARTER), ("month", MONTH)):
            if kind == wanted and attrs.get(name) is None:
                raise serializers.ValidationError(
                    {name: _("%(name)s is required with timeType=%(kind)s.")
                     % {"name": name, "kind": kind}})
            if kind != wanted and attrs.get(name) is not None:
                raise serializers.ValidationError(
                    {name: _("%(name)s is given only with timeType=%(wanted)s.")
                     % {"name": name, "wanted": wanted}})
        attrs["period"] = period_of(kind, attrs["year"], quarter=attrs.get("quarter"),
                                    month=attrs.get("month"))
        return attrs


class IndexQuery(PeriodQuery):
    rootDepartmentId = serializers.CharField(  # noqa: N815 - the portal's name
        required=False, allow_blank=True, max_length=32,
        help_text=gettext_lazy("The unit: an agency's identifier code (an old code too), or "
                               "a commune's or the province's code. Default: the province."))
    group = serializers.ChoiceField(
        choices=GROUP_CODES, required=False,
        help_text=gettext_lazy("Only this group's indicators (the portal asks group by "
                               "group)."))


class RankingQuery(PeriodQuery):
    unitType = serializers.ChoiceField(  # noqa: N815
        choices=UNIT_TYPES, required=False, default=COMMUNE,
        help_text=gettext_lazy("Rank the communes (default) or the agencies."))


# --- output (schema) -----------------------------------------------------------------------


class IndexMetricSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Indicator code, e.g. 2.1."))
    name = serializers.CharField()
    group = serializers.ChoiceField(choices=GROUP_CODES)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Null: no score (see status)."))
    maxScore = serializers.FloatField()  # noqa: N815
    fullAt = serializers.FloatField(  # noqa: N815
        allow_null=True, help_text=gettext_lazy("The cap: full marks at this ratio."))
    status = serializers.ChoiceField(
        choices=STATUSES,
        help_text=gettext_lazy("scored; full_if_none or zero_if_none (nothing to judge, the "
                               "rule applies); no_score (nothing to judge, no rule); fixed (the "
                               "portal's fixed score); no_data (the data is not collected "
                               "yet: see missing)."))
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("The fields, not collected yet, that the indicator needs."))
    provinceOnly = serializers.BooleanField()  # noqa: N815
    rule = serializers.CharField()


class IndexGroupSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=GROUP_CODES)
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    maxScore = serializers.FloatField()  # noqa: N815
    availableMaxScore = serializers.FloatField(  # noqa: N815
        help_text=gettext_lazy("The maxima of the indicators that have a score."))


class IndexStatisticSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()


class IndexProcedureTimeSerializer(serializers.Serializer):
    procedureCode = serializers.CharField(allow_null=True)  # noqa: N815
    procedureName = serializers.CharField()  # noqa: N815
    ended = serializers.IntegerField(
        help_text=gettext_lazy("Dossiers of the procedure finished in the period."))
    averageWorkingDays = serializers.FloatField(  # noqa: N815
        help_text=gettext_lazy("From receipt to end, supplement time deducted."))


class IndexUnitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SCOPE_KINDS)
    code = serializers.CharField()
    name = serializers.CharField()


class IndexSectorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IndexDossiersSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    carriedOver = serializers.IntegerField()  # noqa: N815
    endedEarly = serializers.IntegerField()  # noqa: N815
    endedOnTime = serializers.IntegerField()  # noqa: N815
    endedLate = serializers.IntegerField()  # noqa: N815
    openInTime = serializers.IntegerField()  # noqa: N815
    openOverdue = serializers.IntegerField()  # noqa: N815


class IndexDataSerializer(serializers.Serializer):
    timeType = serializers.ChoiceField(choices=TIME_TYPES)  # noqa: N815
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    fromDate = serializers.DateField()  # noqa: N815
    toDate = serializers.DateField()  # noqa: N815
    evaluatedAt = serializers.DateTimeField(  # noqa: N815
        help_text=gettext_lazy("The period's end, or now while it runs."))
    unit = IndexUnitSerializer()
    sector = IndexSectorSerializer(allow_null=True)
    metrics = IndexMetricSerializer(many=True)
    groups = IndexGroupSerializer(many=True)
    statistics = IndexStatisticSerializer(many=True)
    processingTimes = IndexProcedureTimeSerializer(  # noqa: N815
        many=True, help_text=gettext_lazy("2.2 per procedure (shown, not scored)."))
    dossiers = IndexDossiersSerializer()
    totalScore = serializers.FloatField(allow_null=True)  # noqa: N815
    totalMaxScore = serializers.FloatField()  # noqa: N815
    availableMaxScore = serializers.FloatField()  # noqa: N815
    classification = serializers.ChoiceField(choices=CLASSES)


class IndexResponseSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Always OK (errors are problems)."))
    message = serializers.CharField(allow_blank=True)
    data = IndexDataSerializer()  # type: ignore[assignment]  # the portal's name


class IndexRankedUnitSerializer(serializers.Serializer):
    rank = serializers.IntegerField(min_value=1)
    unit = IndexUnitSerializer()
    totalScore = serializers.FloatField(allow_null=True)  # noqa: N815
    totalMaxScore = serializers.FloatField()  # noqa: N815
    availableMaxScore = serializers.FloatField()  # noqa: N815
    classification = serializers.ChoiceField(choices=CLASSES)
    groups = IndexGroupSerializer(many=True)


class IndexIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    group = serializers.ChoiceField(choices=GROUP_CODES)
    maxScore = serializers.FloatField()  # noqa: N815
    fullAt = serializers.FloatField(allow_null=True)  # noqa: N815
    ifNone = serializers.ChoiceField(choices=IF_NONE)  # noqa: N815
    fixedScore = serializers.FloatField(allow_null=True)  # noqa: N815
    provinceOnly = serializers.BooleanField()  # noqa: N815
    unconfirmed = serializers.BooleanField()
    needs = serializers.ListField(child=serializers.CharField())
    rule = serializers.CharField()


class IndexGroupDefinitionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=GROUP_CODES)
    name = serializers.CharField()
    maxScore = serializers.FloatField()  # noqa: N815


class IndexRegistrySerializer(serializers.Serializer):
    groups = IndexGroupDefinitionSerializer(many=True)
    indicators = IndexIndicatorSerializer(many=True)


# --- payloads ------------------------------------------------------------------------------


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def metric_payload(s: Score) -> dict[str, Any]:
    i = s.indicator
    return {
        "code": i.code, "name": str(i.name), "group": i.group,
        "numerator": _round(s.numerator, 4), "denominator": _round(s.denominator, 4),
        "ratio": _round(s.ratio, 4), "score": _round(s.score, 2), "maxScore": i.max_score,
        "fullAt": i.full_at, "status": s.status, "missing": list(s.missing),
        "provinceOnly": i.province_only, "rule": str(i.rule),
    }


def groups_payload(result: Index) -> list[dict[str, Any]]:
    return [{"code": g.group.code, "name": str(g.group.name), "score": _round(g.score, 2),
             "maxScore": g.max_score, "availableMaxScore": g.available_max}
            for g in result.groups]


def _share(code: str, name: str, part: int, whole: int) -> dict[str, Any]:
    return {"code": code, "name": name, "numerator": part, "denominator": whole,
            "ratio": _round(part / whole, 4) if whole else None,
            "value": None, "unit": "ratio"}


def statistics_payload(result: Index) -> list[dict[str, Any]]:
    """Shown, not scored (DOMAIN.md §5): 2.2 and the shares of the channels."""
    c = result.counters.dossiers
    average = result.average_processing_days
    return [
        {"code": "2.2", "name": _("Average processing time (working days)"),
         "numerator": c.processing_seconds, "denominator": c.ended, "ratio": None,
         "value": _round(average, 2), "unit": "working_days"},
        _share("channel.counter", _("Dossiers received at the counter"), c.received_counter,
               c.received),
        _share("channel.postal", _("Dossiers received by post"), c.received_postal,
               c.received),
        _share("channel.online", _("Dossiers received online"), c.received_online,
               c.received),
    ]


def _unit(result: Index) -> dict[str, Any]:
    return {"type": result.scope.kind, "code": result.scope.code, "name": result.scope.name}


def _period(period: Period) -> dict[str, Any]:
    return {"timeType": period.kind, "year": period.year,
            "quarter": period.number if period.kind == QUARTER else None,
            "month": period.number if period.kind == MONTH else None,
            "fromDate": period.first_day.isoformat(), "toDate": period.last_day.isoformat()}


def index_payload(result: Index, times: list[ProcedureTime],
                  group: str | None = None) -> dict[str, Any]:
    scope, c = result.scope, result.counters.dossiers
    metrics = [metric_payload(s) for s in result.scores
               if group is None or s.indicator.group == group]
    total = result.total
    data = {
        **_period(result.period),
        "evaluatedAt": iso_local(result.evaluated_at - dt.timedelta(microseconds=1)
                                 if result.evaluated_at != result.period.end
                                 else result.evaluated_at),
        "unit": _unit(result),
        "sector": {"id": scope.sector_id, "name": scope.sector_name}
        if scope.sector_id is not None else None,
        "metrics": metrics,
        "groups": [g for g in groups_payload(result) if group is None or g["code"] == group],
        "statistics": statistics_payload(result),
        "processingTimes": [{"procedureCode": t.code, "procedureName": t.name,
                             "ended": t.ended, "averageWorkingDays": round(t.average_days, 2)}
                            for t in times],
        "dossiers": {"received": c.received, "carriedOver": c.carried_over,
                     "endedEarly": c.ended_early, "endedOnTime": c.ended_on_time,
                     "endedLate": c.ended_late, "openInTime": c.open_in_time,
                     "openOverdue": c.open_overdue},
        "totalScore": _round(total, 2), "totalMaxScore": result.max_score,
        "availableMaxScore": result.available_max,
        "classification": indicators.classify(total),
    }
    return {"code": "OK", "message": "", "data": data}


def ranked_payload(ranked: Ranked) -> dict[str, Any]:
    result = ranked.index
    return {"rank": ranked.rank, "unit": _unit(result),
            "totalScore": _round(result.total, 2), "totalMaxScore": result.max_score,
            "availableMaxScore": result.available_max,
            "classification": indicators.classify(result.total),
            "groups": groups_payload(result)}


def registry_payload(registry: tuple[Indicator, ...]) -> dict[str, Any]:
    return {
        "groups": [{"code": g.code, "name": str(g.name),
                    "maxScore": sum(i.max_score for i in registry if i.group == g.code)}
                   for g in GROUPS],
        "indicators": [{"code": i.code, "name": str(i.name), "group": i.group,
                        "maxScore": i.max_score, "fullAt": i.full_at, "ifNone": i.empty,
                        "fixedScore": i.fixed, "provinceOnly": i.province_only,
                        "unconfirmed": i.unconfirmed, "needs": list(i.needs),
                        "rule": str(i.rule)} for i in registry],
    }


# --- statistics (statistics.py) ------------------------------------------------------------


class StatisticsQuery(IndexQuery):
    limit = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, default=100,
        help_text=gettext_lazy("Rows of a page (at most 1000)."))
    offset = serializers.IntegerField(min_value=0, max_value=10**7, required=False, default=0)


class StatisticsColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the column's label
    kind = serializers.ChoiceField(choices=("int", "ratio", "text", "instant", "days", "date"))
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Not collected yet: the column's values are null (no data)."))


class StatisticsTableSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    unit = IndexUnitSerializer()
    sector = IndexSectorSerializer(allow_null=True)
    timeType = serializers.ChoiceField(choices=TIME_TYPES)  # noqa: N815
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    fromDate = serializers.DateField()  # noqa: N815
    toDate = serializers.DateField()  # noqa: N815
    evaluatedAt = serializers.DateTimeField()  # noqa: N815
    columns = StatisticsColumnSerializer(many=True)
    count = serializers.IntegerField(help_text=gettext_lazy("Rows in the whole table."))
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    rows = serializers.ListField(
        child=serializers.DictField(allow_null=True),
        help_text=gettext_lazy("One object per row, by column key; instants in ISO 8601 "
                               "(+07:00), days as YYYY-MM-DD, ratios between 0 and 1."))


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso_local(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_payload(table: Any, scope: Any, period: Period, evaluated_at: dt.datetime,
                  rows: list[tuple[Any, ...]], limit: int, offset: int) -> dict[str, Any]:
    keys = [c.key for c in table.columns]
    return {
        "code": table.code, "title": str(table.title), "note": str(table.note),
        "unit": {"type": scope.kind, "code": scope.code, "name": scope.name},
        "sector": {"id": scope.sector_id, "name": scope.sector_name}
        if scope.sector_id is not None else None,
        **_period(period),
        "evaluatedAt": iso_local(evaluated_at),
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind,
                     "missing": list(table.missing.get(c.key, ()))} for c in table.columns],
        "count": table.count, "limit": limit, "offset": offset,
        "rows": [{k: _json_value(v) for k, v in zip(keys, row, strict=True)} for row in rows],
    }

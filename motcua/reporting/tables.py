"""Every statistics table by its code: the API's `/api/v1/statistics/<code>`, the dashboard's
and the exports' one list."""

from __future__ import annotations

from motcua.reporting import report, statistics

TABLES: dict[str, statistics.Builder] = {
    **statistics.TABLES,
    "report-unit": report.by_unit,
    "report-sector": report.by_sector,
}
CODES = tuple(TABLES)

#!/usr/bin/env bash
# Refresh the translation catalogues from the source, then compile them.
# Usage (from the repository root): bash motcua/locale/update.sh
# Afterwards translate every new or changed entry in vi/LC_MESSAGES/django.po
# (see README.md), run this script again, and commit the .po files.
set -euo pipefail

cd "$(dirname "$0")/.."            # motcua/: LOCALE_PATHS is motcua/locale
DJANGO_ADMIN="${DJANGO_ADMIN:-../.venv/bin/django-admin}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-motcua.settings}"

"$DJANGO_ADMIN" makemessages -l vi -l en --no-obsolete -i "tests/*" -i "*/tests/*" -v 0

# DRF messages our API returns that DRF leaves untranslated: keep them in django.po.
# Entries of django.po come first, so a msgid that is also in our source keeps our entry.
msgcat --use-first -o locale/vi/LC_MESSAGES/django.po \
    locale/vi/LC_MESSAGES/django.po locale/vi/upstream.po

"$DJANGO_ADMIN" compilemessages -v 0 -l vi -l en

vi=locale/vi/LC_MESSAGES/django.po
stats=$(msgfmt --check --statistics -o /dev/null "$vi" 2>&1)
if grep -qE 'fuzzy|untranslated' <<<"$stats"; then
    echo "motcua/$vi: $stats" >&2
    echo "Translate these entries (and drop their '#, fuzzy' flag), then run this again:" >&2
    { msgattrib --untranslated "$vi"; msgattrib --only-fuzzy "$vi"; } >&2
    exit 1
fi
echo "motcua/$vi: $stats"

"""The settings module refuses to start in production mode without a secret key."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def import_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run([sys.executable, "-c", "import motcua.settings"], cwd=ROOT,
                          env={**clean, "MOTCUA_VAR_DIR": str(tmp_path), **env},
                          capture_output=True, text=True, timeout=60)


def test_without_debug_a_missing_or_empty_secret_key_stops_the_start(tmp_path):
    for env in ({}, {"DEBUG": "0"}, {"DEBUG": "0", "SECRET_KEY": ""}):
        run = import_settings(tmp_path, **env)
        assert run.returncode != 0, env
        assert "ImproperlyConfigured: SECRET_KEY is not set" in run.stderr, env


def test_with_debug_or_a_key_it_starts(tmp_path):
    assert import_settings(tmp_path, DEBUG="1").returncode == 0
    assert import_settings(tmp_path, DEBUG="0", SECRET_KEY="x" * 50).returncode == 0


def test_the_installation_key_is_random_private_and_reused(tmp_path):
    def key(var_dir: Path) -> str:
        return subprocess.run(["bash", str(ROOT / "scripts" / "secret_key.sh")], check=True,
                              env={**os.environ, "MOTCUA_VAR_DIR": str(var_dir)},
                              capture_output=True, text=True, timeout=60).stdout.strip()

    first = key(tmp_path / "a")
    assert len(first) >= 50 and key(tmp_path / "a") == first != key(tmp_path / "b")
    assert stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode) == 0o600
    assert import_settings(tmp_path, SECRET_KEY=first).returncode == 0


def default_cache(tmp_path: Path, **env: str) -> str:
    code = ("import django; django.setup(); from django.core.cache import caches; "
            "c = caches['default']; print(type(c).__name__, c._table if hasattr(c, '_table') "
            "else c._servers)")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings",
                               "MOTCUA_VAR_DIR": str(tmp_path), **env},
                          capture_output=True, text=True).stdout.strip()


def test_the_cache_is_the_database_unless_redis_url_is_set(tmp_path):
    from motcua.core.models import CacheEntry

    assert default_cache(tmp_path) == f"DatabaseCache {CacheEntry._meta.db_table}"
    assert default_cache(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3") == \
        "RedisCache ['redis://127.0.0.1:6379/3']"


@pytest.mark.django_db
def test_the_database_cache_table_is_in_the_migrated_database():
    from django.core.cache import cache

    cache.set("greeting", {"vi": "Xin chào"}, timeout=60)
    assert cache.get("greeting") == {"vi": "Xin chào"}
    assert cache.add("greeting", "again") is False

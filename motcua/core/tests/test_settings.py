"""The settings module refuses to start in production mode without a secret key."""

import json
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


HTTPS_ENV = ("DEBUG", "HTTPS", "SECURE_COOKIES", "HSTS_SECONDS", "HSTS_INCLUDE_SUBDOMAINS",
             "TRUSTED_PROXY_COUNT")


def https_settings(tmp_path: Path, **env: str) -> dict:
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
             "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER"]
    code = (f"import json, motcua.settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {names}}}))")
    clean = {k: v for k, v in os.environ.items() if k not in HTTPS_ENV}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60,
                         env={**clean, "MOTCUA_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 50,
                              **env}, capture_output=True, text=True)
    return json.loads(run.stdout)


def test_outside_debug_cookies_are_secure_and_hsts_waits_for_https(tmp_path):
    production = https_settings(tmp_path)
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] == 0 and not production["SECURE_SSL_REDIRECT"]
    debug = https_settings(tmp_path, DEBUG="1")
    assert not debug["SESSION_COOKIE_SECURE"] and not debug["CSRF_COOKIE_SECURE"]
    # `make run` serves plain HTTP on 127.0.0.1 with DEBUG off (scripts/serve.sh)
    local = https_settings(tmp_path, SECURE_COOKIES="0")
    assert not local["SESSION_COOKIE_SECURE"] and not local["CSRF_COOKIE_SECURE"]


def test_behind_tls_hsts_and_the_redirect_are_on_and_cookies_stay_secure(tmp_path):
    tls = https_settings(tmp_path, HTTPS="1", SECURE_COOKIES="0", DEBUG="1")
    assert tls["SESSION_COOKIE_SECURE"] and tls["CSRF_COOKIE_SECURE"]
    assert tls["SECURE_SSL_REDIRECT"] and tls["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert not tls["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and tls["SECURE_PROXY_SSL_HEADER"] is None
    proxied = https_settings(tmp_path, HTTPS="1", TRUSTED_PROXY_COUNT="1", HSTS_SECONDS="600",
                             HSTS_INCLUDE_SUBDOMAINS="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["SECURE_HSTS_SECONDS"] == 600 and proxied["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_djangos_deployment_check_finds_the_https_settings_in_place(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in HTTPS_ENV}
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, timeout=120,
        env={**clean, "MOTCUA_VAR_DIR": str(tmp_path), "HTTPS": "1",
             "SECRET_KEY": "k3y-" + "q9Zx7Lm2Vb8Nc4Rt6Yp1Wd5Hs0Jf3Ga" * 2},
        capture_output=True, text=True)
    found = run.stdout + run.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016",
                  "security.W009", "security.W018"):  # HSTS, redirect, cookies, key, DEBUG
        assert check not in found, found

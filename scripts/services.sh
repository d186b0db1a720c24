#!/usr/bin/env bash
# Make sure the machine's PostgreSQL and Redis answer; start them if they are down.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

if ! pg_up; then
    echo "PostgreSQL is down; starting it" >&2
    for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "FATAL: PostgreSQL at 127.0.0.1:5432 cannot be reached" >&2; exit 1; }

if ! redis_up; then
    echo "Redis is down; starting it" >&2
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 10); do redis_up && break; sleep 1; done
fi
redis_up || { echo "FATAL: Redis at 127.0.0.1:6379 cannot be reached" >&2; exit 1; }

"""Database fixtures: one SQLite file and one PostgreSQL schema per test."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import conftest


def schema_exists(user: str, name: str) -> bool:
    with conftest._postgres_connect(user) as connection:
        row = connection.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", (name,))
        return row.fetchone()[0] == 1


def test_db_url_stores_rows(db_url: str, tmp_path: Path) -> None:
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(20))"))
            connection.execute(sa.text("INSERT INTO item VALUES (1, 'مرحبا')"))
        with engine.connect() as connection:
            names = connection.execute(sa.text("SELECT name FROM item")).scalars().all()
    finally:
        engine.dispose()

    assert names == ["مرحبا"]
    if engine.dialect.name == "sqlite":
        assert (tmp_path / "shop.sqlite3").is_file()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgres_db_url_uses_own_schema(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
    finally:
        engine.dispose()

    assert schema.startswith("test_")
    assert db_url.startswith("postgresql+psycopg://")
    assert f"search_path%3D{schema}" in db_url


def test_postgres_schema_dropped_after_use(postgres_user: str) -> None:
    with conftest.postgres_schema(postgres_user) as schema:
        engine = sa.create_engine(schema.url)
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE payment (merchant_reference TEXT)"))
        # A connection left inside a transaction holds a lock on the table;
        # the teardown must end it rather than wait for it.
        leaked = engine.connect()
        leaked.execute(sa.text("SELECT * FROM payment"))
        assert schema_exists(postgres_user, schema.name)

    assert not schema_exists(postgres_user, schema.name)
    with pytest.raises(sa.exc.DBAPIError):
        leaked.execute(sa.text("SELECT 1"))
    leaked.invalidate()
    engine.dispose()


def test_postgres_schemas_differ_per_use(postgres_user: str) -> None:
    with conftest.postgres_schema(postgres_user) as first, conftest.postgres_schema(postgres_user) as second:
        assert first.name != second.name
        assert schema_exists(postgres_user, first.name)
        assert schema_exists(postgres_user, second.name)


def test_postgres_user_is_known_role(postgres_user: str) -> None:
    with conftest._postgres_connect(postgres_user) as connection:
        current = connection.execute("SELECT current_user").fetchone()[0]

    assert postgres_user in conftest.POSTGRES_USERS
    assert current == postgres_user


def test_unreachable_postgres_gives_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setattr(conftest, "POSTGRES_PORT", closed_port)

    user, reason = conftest.find_postgres_user()

    assert user is None
    assert reason.startswith(f"PostgreSQL not reachable at 127.0.0.1:{closed_port}")


# -- the shop app fixtures ----------------------------------------------------


def test_app_runs_on_db_url(app: Any, db_url: str, tmp_path: Path) -> None:
    from shop.extensions import db

    with app.app_context():
        backend = db.engine.dialect.name
        tables = sa.inspect(db.engine).get_table_names()

    assert app.config["SQLALCHEMY_DATABASE_URI"] == db_url
    assert backend == db_url.split(":")[0].split("+")[0]
    assert tables, "create_app created no tables"
    assert app.instance_path == str(tmp_path / "instance")
    assert app.testing


def test_sqlite_app_uses_sqlite(sqlite_app: Any) -> None:
    assert sqlite_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_client_gets_home_page(client: Any) -> None:
    response = client.get("/")

    assert response.status_code == 200


def test_runner_lists_commands(runner: Any) -> None:
    result = runner.invoke(args=["--help"])

    assert result.exit_code == 0
    assert "aps" in result.output

# The recipes people use day to day. CI runs .ci/run, which needs no `just`.

postgres_url := "postgres://postgres@127.0.0.1:5432/test"

# List the recipes.
default:
    @just --list

# Format every crate.
fmt:
    cargo fmt --all

# Lint every crate and target; warnings are errors, as in CI.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Run the tests (the Postgres ones skip without TEST_DATABASE_URL).
test *ARGS:
    cargo test --workspace {{ARGS}}

# Run the tests with the Postgres ones against a local server.
test-pg *ARGS:
    TEST_DATABASE_URL={{postgres_url}} cargo test --workspace {{ARGS}}

# Check the dependency rules between the crates (domain, ports, use cases, adapters).
deps:
    cargo test -p meetbot-tests --test architecture dependencies::

# Check licences, sources and duplicate versions (works offline).
deny:
    cargo deny check licenses bans sources

# Check for security advisories (fetches the RustSec database from GitHub).
advisories:
    cargo deny check advisories

# Run the bot (`just run config` prints the effective configuration).
run *ARGS:
    cargo run --release -p meetbot -- {{ARGS}}

# Apply pending database migrations.
migrate:
    cargo run --release -p meetbot -- migrate

# What CI runs: Postgres up, fmt, clippy, cargo-deny, all tests.
ci:
    bash .ci/run

# Run the benchmark suite (release build) and write its tables to bench/RESULTS.md;
# `just bench fanout --quick` runs one suite, smaller. Postgres is measured when
# TEST_DATABASE_URL is set.
bench *ARGS:
    cargo run --release -p meetbot-bench -- {{ARGS}}

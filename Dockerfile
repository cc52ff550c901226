# meetbot in a container: built on the official Rust image, run on slim
# Debian as an unprivileged user. The SQLite file and its backups live in
# the /data volume; with Postgres (see compose.yaml) /data keeps only the
# console's charts.
#
#   docker build -t meetbot .
#   docker run -d --name meetbot -e TELEGRAM_BOT_TOKEN=... -v meetbot-data:/data meetbot

FROM rust:1.95-bookworm AS build
WORKDIR /src
# SQLite, libpq and OpenSSL are compiled from source (bundled/vendored
# crates): the image's C compiler, make and perl are all the build needs.
COPY . .
RUN cargo build --release --locked -p meetbot \
    && install -m 0755 target/release/meetbot /usr/local/bin/meetbot

FROM debian:bookworm-slim
# CA certificates: the HTTPS clients trust the system's roots.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 meetbot \
    && useradd --system --uid 10001 --gid meetbot --home-dir /data --shell /usr/sbin/nologin meetbot \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY --from=build /usr/local/bin/meetbot /usr/local/bin/meetbot
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# Listen on every address inside the container, so that published ports and
# the health check reach /health; backups go to /data/backups.
ENV DATABASE_URL=sqlite:///data/meetbot.sqlite3 \
    MEETBOT__HTTP__LISTEN=0.0.0.0:8080
EXPOSE 8080
# `meetbot health` asks /health itself: no curl in the image.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["meetbot", "health"]
ENTRYPOINT ["meetbot"]
CMD ["run"]

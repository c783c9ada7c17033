# syntax=docker/dockerfile:1
# bcsync container image: docker build -t bcsync:0.1.0 .
# --no-default-features: the production binary leaves out `bcsync demo` (simulator,
# throwaway PostgreSQL). Build on Debian bookworm so the binary's glibc matches the distroless runtime
# (cc-debian12). Keep the Rust version at the workspace's rust-version (Cargo.toml).
FROM rust:1.94-slim-bookworm AS builder
WORKDIR /src
# jemalloc, the binary's allocator, is built from C by configure and make; the slim
# image has gcc but no make.
RUN apt-get update && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p bcsync --no-default-features \
    && install -D -m 0755 target/release/bcsync /out/bcsync

# glibc, libgcc, CA certificates and a nonroot user (65532), nothing else: no shell.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /out/bcsync /usr/local/bin/bcsync
USER nonroot
# One-off commands (`docker run ... bcsync:0.1.0 status`) find bcsync.toml here.
WORKDIR /etc/bcsync
# /healthz, /readyz, /metrics, POST /webhooks/bigcommerce
EXPOSE 9187
# Logs go to stdout as JSON (not a terminal). Mount the configuration at
# /etc/bcsync/bcsync.toml and pass the database URL as BCSYNC__DATABASE__URL.
ENTRYPOINT ["/usr/local/bin/bcsync"]
CMD ["run", "--config", "/etc/bcsync/bcsync.toml"]

# syntax=docker/dockerfile:1
# zdpolicy in a container: built from source in a Rust image, run from a small distroless one
# (glibc, CA certificates for TLS to Zendesk, no shell, no package manager) as a non-root user.
#
#   docker build -t zdpolicy .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -e ACME_ZENDESK_OAUTH_TOKEN \
#     zdpolicy plan policy/
#
# Base images are pinned by tag; pin them by digest too (`@sha256:…`) where your registry
# policy asks for it.

FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
# The TLS library and the allocator build C code.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin zdpolicy \
    && install -D -m 0755 target/release/zdpolicy /out/zdpolicy

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/zdpolicy /usr/local/bin/zdpolicy
# distroless's `nonroot` user; files zdpolicy writes (plans, reports) belong to it.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/zdpolicy"]
CMD ["--help"]

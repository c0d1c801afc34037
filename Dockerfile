# Build: the Swift toolchain image with the C libraries' development packages.
FROM swift:6.3-bookworm AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libsqlite3-dev libmicrohttpd-dev libcurl4-openssl-dev libssl-dev libyaml-dev \
      libisal-dev zlib1g-dev libzstd-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --product podhop --static-swift-stdlib \
    && install -D .build/release/podhop /out/podhop

# Run: slim Debian with only the runtime libraries, as a non-root user. One image for the
# controller (`podhop serve`, the default command) and the node agent (`podhop agent`, which the
# DaemonSet runs as root to read the kubelet's 0600 archives). scripts/check-runtime-image.sh checks
# this package list without a container engine (see what it does not prove there).
FROM debian:bookworm-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-0 libmicrohttpd12 libcurl4 libssl3 libyaml-0-2 libisal2 zlib1g libzstd1 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/podhop --create-home podhop
COPY --from=build /out/podhop /usr/local/bin/podhop
USER 10001
WORKDIR /var/lib/podhop
EXPOSE 8080 9443
ENTRYPOINT ["podhop"]
CMD ["serve", "--listen", "0.0.0.0:8080", "--database", "/var/lib/podhop/podhop.db", "--tokens-file", "/etc/podhop/tokens"]

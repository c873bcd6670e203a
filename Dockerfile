# syntax=docker/dockerfile:1
# callredact: build on Debian 12 with the distribution's libraries, run on a slim Debian 12
# with only their runtime packages.
#
#   docker build -t callredact:0.1.0 .
#   docker run --rm -p 50051:50051 callredact:0.1.0     # serve (the default command)
#   docker run --rm -v /archive:/in:ro -v /redacted:/out callredact:0.1.0 \
#       redact --input-dir /in --output-dir /out
#
# Hyperscan needs an x86-64 CPU with SSSE3 (libvectorscan-dev is the alternative for arm64).

ARG DEBIAN=debian:12-slim

FROM ${DEBIAN} AS build
ENV DEBIAN_FRONTEND=noninteractive
# The packages of tools/setup.sh that building needs (no tests, benchmarks or Python).
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      build-essential cmake pkg-config ca-certificates \
      libhyperscan-dev libre2-dev libabsl-dev \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      nlohmann-json3-dev libsimdjson-dev libssl-dev prometheus-cpp-dev libsndfile1-dev \
 && rm -rf /var/lib/apt/lists/*
# The models directory is compiled in as the default --models: build where it will live.
WORKDIR /opt/callredact
COPY CMakeLists.txt ./
COPY proto ./proto
COPY detectors ./detectors
COPY pipeline ./pipeline
COPY tools ./tools
COPY models ./models
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
      -DCALLREDACT_BUILD_TESTS=OFF -DCALLREDACT_BUILD_BENCHMARKS=OFF \
 && cmake --build build -j"$(nproc)" --target callredact \
 && strip build/bin/callredact

FROM ${DEBIAN} AS runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libhyperscan5 libre2-9 libabsl20220623 libgrpc++1.51 libprotobuf32 libssl3 libsimdjson14 \
      libsndfile1 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 callredact \
 && useradd --system --uid 10001 --gid callredact --no-create-home --shell /usr/sbin/nologin callredact
WORKDIR /opt/callredact
COPY --from=build /opt/callredact/build/bin/callredact /usr/local/bin/callredact
COPY --from=build /opt/callredact/models ./models
USER 10001:10001
EXPOSE 50051
ENTRYPOINT ["/usr/local/bin/callredact"]
CMD ["serve", "--listen", "0.0.0.0:50051", "--allow-insecure-bind", "--allow-anonymous"]

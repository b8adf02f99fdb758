# leakhound in a container:
#   docker build -t leakhound .
#   docker run --rm -v "$PWD:/src" leakhound scan /src
# Stage 1 builds a static (musl) binary; stage 2 is distroless "static" (CA certificates for
# --verify, no shell, no package manager) and runs as its non-root user.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /build
# The commit `leakhound version` names (.git is not sent to the build: see .dockerignore).
ARG LEAKHOUND_BUILD_COMMIT=""
ENV LEAKHOUND_BUILD_COMMIT=${LEAKHOUND_BUILD_COMMIT}
COPY . .
RUN cargo build --release --locked && cp target/release/leakhound /leakhound && /leakhound version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /leakhound /usr/local/bin/leakhound
USER nonroot:nonroot
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/leakhound"]
CMD ["scan", "."]

# syntax=docker/dockerfile:1
#
# The onboard binary in a small, non-root image. One image serves every process:
#   docker run IMAGE api       (the default)
#   docker run IMAGE worker
#   docker run IMAGE migrate
# Configuration comes from the environment (see internal/config and docker-compose.yml).

# ---- build ----
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Use exactly the toolchain in the image; never download another.
ENV GOTOOLCHAIN=local

# Dependencies first, so a source change does not re-download modules.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/onboard ./cmd/onboard

# ---- runtime ----
# Static, no shell, CA certificates and tzdata included, runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/onboard /onboard
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/onboard"]
CMD ["api"]

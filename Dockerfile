# syntax=docker/dockerfile:1
# snapdoc in a container: a static binary on distroless, building the site
# mounted at /site.
#
#   docker build -t snapdoc .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" snapdoc            # snapdoc build
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/site" snapdoc build --run replay

# go.mod asks for this toolchain; the golang image does not download another.
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
# The modules first, so that a change to the code reuses their layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/snapdoc .

# distroless/static has CA certificates (for https APIs), tzdata and a
# nonroot user, and nothing else: no shell, no libc.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/snapdoc /usr/local/bin/snapdoc
WORKDIR /site
ENTRYPOINT ["/usr/local/bin/snapdoc"]
CMD ["build"]

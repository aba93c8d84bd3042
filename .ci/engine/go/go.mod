// Wrapper module that builds the Dagger CLI and engine from the Go module proxy.
// dagger's own go.mod carries replace directives, so `go install github.com/dagger/dagger/...@v`
// refuses; this module requires it and repeats those replaces, pointing at published versions.
module aichat.invalid/dagger-engine-build

go 1.26.1

require github.com/dagger/dagger v0.21.8

tool (
	github.com/dagger/dagger/cmd/codegen
	github.com/dagger/dagger/cmd/dagger
	github.com/dagger/dagger/cmd/dialstdio
	github.com/dagger/dagger/cmd/dnsname
	github.com/dagger/dagger/cmd/engine
	github.com/dagger/dagger/cmd/init
)

replace (
	// The v0.21.8 module zip from the proxy, unpacked here by .ci/dagger-engine.sh: go build
	// -overlay may not touch files in the module cache.
	github.com/dagger/dagger => ./dagger-src
	// dagger: ./sdk/go, published as its own module at the same version.
	dagger.io/dagger => dagger.io/dagger v0.21.8
	// dagger: ./engine/distconsts, never published; see distconsts/consts.go.
	github.com/dagger/dagger/engine/distconsts => ./distconsts
	// Not served by the module proxy: the Dang v2 runtime is swapped out with go build -overlay
	// (overlay/dangv2); the TUI library is used only by the CLI's interactive frontends, which the
	// CLI build leaves out (overlay/cli), and by its shell's completion types (stubs/tuist).
	github.com/vito/dang/v2 => ./stubs/dang-v2
	github.com/vito/tuist => ./stubs/tuist
	github.com/vito/tuist/teav1 => ./stubs/tuist-teav1
	// The pinned pseudo-version is not served; v0.2.4 is the nearest tag and has the same API
	// used by util/scrub.
	github.com/vito/midterm => github.com/vito/midterm v0.2.4
	go.etcd.io/bbolt => go.etcd.io/bbolt v1.4.0-beta.0.0.20260422092123-cd4bafc17e45
	go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc => go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc v0.16.0
	go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp => go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp v0.16.0
	go.opentelemetry.io/otel/log => go.opentelemetry.io/otel/log v0.16.0
	go.opentelemetry.io/otel/sdk/log => go.opentelemetry.io/otel/sdk/log v0.16.0
)

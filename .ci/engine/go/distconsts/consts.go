// Package distconsts stands in for dagger's engine/distconsts module, which dagger's go.mod
// replaces with a local directory and which is not published on the Go module proxy. It declares
// the names the engine and CLI read, with the values that describe the engine image that
// .ci/dagger-engine.sh builds (the same file-system layout as dagger's own engine image).
package distconsts

// Where the CLI looks for an engine container and socket.
const (
	EngineContainerName   = "dagger-engine.dev"
	DefaultEngineSockAddr = "unix:///run/dagger/engine.sock"
)

// Paths inside the engine image.
const (
	RuncPath              = "/usr/local/bin/runc"
	DaggerInitPath        = "/usr/local/bin/dagger-init"
	TiniPath              = "/usr/local/bin/tini"
	EngineDefaultStateDir = "/var/lib/dagger"

	EngineContainerBuiltinContentDir   = "/usr/local/share/dagger/content"
	GoSDKManifestDigestEnvName         = "DAGGER_GO_SDK_MANIFEST_DIGEST"
	PythonSDKManifestDigestEnvName     = "DAGGER_PYTHON_SDK_MANIFEST_DIGEST"
	TypescriptSDKManifestDigestEnvName = "DAGGER_TYPESCRIPT_SDK_MANIFEST_DIGEST"
	EngineCustomCACertsDir             = "/usr/local/share/ca-certificates"
)

// Helper images the engine refers to by name (resolved through the configured registry mirror).
const (
	AlpineVersion  = "3.22.1"
	AlpineImage    = "alpine:" + AlpineVersion
	GolangVersion  = "1.26"
	GolangImage    = "golang:" + GolangVersion + "-alpine"
	BusyboxVersion = "1.37.0"
	BusyboxImage   = "busybox:" + BusyboxVersion
)

// OCIVersionAnnotation is the image annotation that carries a version.
const OCIVersionAnnotation = "org.opencontainers.image.version"

// Package tuist stands in, at compile time only, for github.com/vito/tuist, which the Go module
// proxy reachable here does not serve. dagger's CLI (cmd/dagger) uses just these completion types
// in its interactive shell; the rest of tuist belongs to the terminal UI this build leaves out
// (overlay/cli/plain_only.go).
package tuist

// Completion is one shell completion candidate.
type Completion struct {
	Label  string
	Detail string
}

// CompletionResult is a list of candidates and where they replace the input.
type CompletionResult struct {
	Items       []Completion
	ReplaceFrom int
}

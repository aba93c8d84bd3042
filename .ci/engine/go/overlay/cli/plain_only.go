// This file is added to dagger's dagql/idtui package when building the CLI (go build -overlay,
// see write_overlays in .ci/dagger-engine.sh). The interactive frontends (pretty, dots, the log
// pager, search, test view) need github.com/vito/tuist and a newer vito/midterm than the Go
// module proxy serves, so their files are left out and every frontend constructor returns the
// plain frontend: the same output dagger prints without a TTY (what CI sees anyway). Below are the
// few names the removed files defined that the kept ones still use.
package idtui

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/bubbles/key"
	"github.com/muesli/termenv"

	"github.com/dagger/dagger/dagql/dagui"
)

var (
	ErrShellExited = errors.New("shell exited")
	ErrInterrupted = errors.New("interrupted")
)

// NewPretty returns the plain frontend: this build has no interactive UI.
func NewPretty(w io.Writer) Frontend { return NewPlain(w) }

// NewReporter returns the plain frontend.
func NewReporter(w io.Writer) Frontend { return NewPlain(w) }

// NewDots returns the plain frontend.
func NewDots(w io.Writer) Frontend { return NewPlain(w) }

// KeyEnabled toggles a key binding (used by the kept shell code).
func KeyEnabled(enabled bool) key.BindingOpt {
	return func(b *key.Binding) { b.SetEnabled(enabled) }
}

// TermOutput is the styled writer the frontends print through.
type TermOutput interface {
	io.Writer
	String(...string) termenv.Style
	ColorProfile() termenv.Profile
}

func traceMessage(profile termenv.Profile, url string, msg string) string {
	buffer := &bytes.Buffer{}
	out := NewOutput(buffer, termenv.WithProfile(profile))
	fmt.Fprint(buffer, out.String("Full trace at ").Bold().String())
	fmt.Fprint(buffer, url)
	if msg != "" {
		fmt.Fprintf(buffer, " (%s)", msg)
	}
	return buffer.String()
}

func handleTelemetryErrorOutput(w io.Writer, to TermOutput, err error) {
	if err != nil {
		fmt.Fprintf(w, "%s - %s\n(%s)\n\n", to.String("WARN").Foreground(termenv.ANSIYellow),
			"failures detected while emitting telemetry. trace information incomplete", err.Error())
	}
}

var (
	ANSIBlack         = lipgloss.Black
	ANSIRed           = lipgloss.Red
	ANSIGreen         = lipgloss.Green
	ANSIYellow        = lipgloss.Yellow
	ANSIBlue          = lipgloss.Blue
	ANSIMagenta       = lipgloss.Magenta
	ANSICyan          = lipgloss.Cyan
	ANSIWhite         = lipgloss.White
	ANSIBrightBlack   = lipgloss.BrightBlack
	ANSIBrightRed     = lipgloss.BrightRed
	ANSIBrightGreen   = lipgloss.BrightGreen
	ANSIBrightYellow  = lipgloss.BrightYellow
	ANSIBrightBlue    = lipgloss.BrightBlue
	ANSIBrightMagenta = lipgloss.BrightMagenta
	ANSIBrightCyan    = lipgloss.BrightCyan
	ANSIBrightWhite   = lipgloss.BrightWhite
)

// TestView would draw test summaries in the interactive UI; the plain frontend prints none.
type TestView struct {
	Profile         termenv.Profile
	Logs            map[dagui.SpanID]*Vterm
	SummaryLogLines int
}

func (tv *TestView) renderTestSummaryLines(out TermOutput, view *dagui.TestView, width, height int) []string {
	return nil
}

func finalTestViewHeight(tv *TestView) int { return 10000 }

type testSummaryEntry struct{ span *dagui.Span }

type testSummaryEntries struct{ failing, skipped []testSummaryEntry }

func collectTestSummaryEntries(view *dagui.TestView) testSummaryEntries { return testSummaryEntries{} }

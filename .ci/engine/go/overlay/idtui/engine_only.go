// This file is added to dagger's dagql/idtui package at build time (go build -overlay) when
// building the engine. idtui is the CLI's terminal UI; the engine reaches it only through
// core/terminal.go (the interactive debug terminal) and util/scrub, and the TUI library idtui
// needs is not served by the Go module proxy reachable here. So the engine build keeps idtui's
// output.go and symbols.go and replaces the rest with the two names the engine uses.
package idtui

import (
	"fmt"

	"github.com/dagger/dagger/dagql/call"
	"github.com/muesli/termenv"
)

// SkipLoggedOutTraceMsgEnvs names the variables that silence the CLI's tracing hint.
var SkipLoggedOutTraceMsgEnvs = []string{"DAGGER_NO_NAG", "NOTHANKS", "SHUTUP", "GOAWAY", "STOPIT"}

// Dump prints a call ID in the engine's interactive debug terminal.
type Dump struct {
	Newline string
	Prefix  string
}

// DumpID writes the receiver chain of id, one call per line.
func (d *Dump) DumpID(out *termenv.Output, id *call.ID) error {
	if id == nil {
		return nil
	}
	if id.Receiver() != nil {
		if err := d.DumpID(out, id.Receiver()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprint(out, d.Prefix+id.Display()+d.Newline)
	return err
}

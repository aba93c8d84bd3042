// Package dangv2 replaces, at build time (go build -overlay), dagger's Dang v2 module runtime.
// Its dependency github.com/vito/dang/v2 is not served by the Go module proxy this project can
// reach, so the engine built here has no Dang v2 SDK: loading a Dang v2 module fails with the
// error below. aichat's module is TypeScript and never needs it.
package dangv2

import (
	"context"
	"errors"

	"github.com/dagger/dagger/core"
	"github.com/dagger/dagger/dagql"
)

var errNoDang = errors.New("the Dang v2 SDK is not part of this offline engine build")

// Impl is the Dang v2 slot of the dang SDK's version dispatch; every call fails plainly.
type Impl struct{}

// ModuleTypes fails: there is no Dang v2 evaluator in this build.
func (Impl) ModuleTypes(
	_ context.Context,
	_ *core.SchemaBuilder,
	_ dagql.ObjectResult[*core.ModuleSource],
	_ dagql.ObjectResult[*core.Module],
) (dagql.ObjectResult[*core.Module], error) {
	return dagql.ObjectResult[*core.Module]{}, errNoDang
}

// Runtime fails: there is no Dang v2 evaluator in this build.
func (Impl) Runtime(
	_ context.Context,
	_ *core.SchemaBuilder,
	_ dagql.ObjectResult[*core.ModuleSource],
) (core.ModuleRuntime, error) {
	return nil, errNoDang
}

// Package crash turns a panic anywhere in the program into a crash file and
// one plain line instead of a stack trace on a terminal nobody has open
// (the wizard is double-clicked). Every goroutine the program starts begins
// with `defer crash.Guard()`: a panic in a goroutine cannot be recovered by
// main's.
package crash

import (
	"runtime/debug"
	"sync/atomic"
)

// Handler is told of a panic, with the goroutine's stack. It does not
// return to the panicking code (it ends the program).
type Handler func(value any, stack []byte)

var handler atomic.Pointer[Handler]

// SetHandler installs h (main does, once). Without one, Guard panics on:
// tests see the panic as Go reports it.
func SetHandler(h Handler) {
	if h == nil {
		handler.Store(nil)
		return
	}
	handler.Store(&h)
}

// Guard recovers a panic and hands it to the handler. Defer it directly:
// `defer crash.Guard()`.
func Guard() {
	if v := recover(); v != nil {
		Handle(v)
	}
}

// Handle reports a recovered panic value.
func Handle(v any) {
	h := handler.Load()
	if h == nil {
		panic(v)
	}
	(*h)(v, debug.Stack())
}

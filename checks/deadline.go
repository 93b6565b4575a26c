package checks

import (
	"context"
	"fmt"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// underDeadline runs f, which the operating system may keep busy whatever
// ctx says (a trust store on a network share, a verifier fetching
// intermediates, certutil started 200 times), and stops waiting when ctx
// ends: the diagnosis keeps its deadline. f gets ctx and should stop too.
func underDeadline[T any](ctx context.Context, what string, f func(context.Context) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1) // buffered: a late f exits without a reader
	go func() {
		defer crash.Guard()
		v, err := f(ctx)
		ch <- result{v, err}
	}()
	select {
	case res := <-ch:
		return res.v, res.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("%s did not finish before the diagnosis ended: %w", what, ctx.Err())
	}
}

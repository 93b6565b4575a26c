package ui

import (
	"sync/atomic"
	"testing"
)

// What the check, the settings read or a practice gateway sends to the
// window runs while it is open, and never once it is closing: not when
// sent after, nor when sent before and run after (Fyne then runs it on
// the sender's goroutine, where the window's OpenGL is gone).
func TestGuardedPostDropsOnceClosing(t *testing.T) {
	var closing atomic.Bool
	var queued []func()
	post := guardedPost(func(f func()) { queued = append(queued, f) }, &closing)
	ran := 0
	post(func() { ran++ })
	queued[0]()
	if ran != 1 {
		t.Fatalf("while open: ran %d times, want 1", ran)
	}
	post(func() { ran++ }) // sent while open, run after closing
	closing.Store(true)
	post(func() { ran++ }) // sent after closing
	for _, f := range queued[1:] {
		f()
	}
	if ran != 1 || len(queued) != 2 {
		t.Errorf("after closing: ran %d times (want 1), %d queued (want 2)", ran, len(queued))
	}
}

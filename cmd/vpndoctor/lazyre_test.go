package main

import (
	"regexp"
	"testing"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// TestEveryPatternCompiles compiles every lazily compiled pattern of the
// program (internal/lazyre), which package init no longer does.
func TestEveryPatternCompiles(t *testing.T) {
	ps := lazyre.Patterns()
	if len(ps) < 20 {
		t.Fatalf("only %d patterns recorded: are the packages linked?", len(ps))
	}
	for _, p := range ps {
		if _, err := regexp.Compile(p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
}

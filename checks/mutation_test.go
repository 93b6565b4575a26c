package checks_test

import (
	"os"
	"testing"
)

// skipUnderMutation skips a test that needs external programs and takes
// many seconds when the tests run once per mutant (scripts/mutation.sh
// sets VPNDOCTOR_MUTATION=1). make test always runs it.
func skipUnderMutation(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("VPNDOCTOR_MUTATION") != "" {
		t.Skip("VPNDOCTOR_MUTATION: " + why)
	}
}

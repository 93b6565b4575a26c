package checks

import "os"

// mutationRun reports whether the tests run under scripts/mutation.sh
// (VPNDOCTOR_MUTATION=1), which runs the package's tests once per mutant:
// there the long suites take a sample (every mutationStride-th case) so
// that one run stays short. make test always runs everything.
func mutationRun() bool { return os.Getenv("VPNDOCTOR_MUTATION") != "" }

// mutationStride is the sample's step. Prime, so that it cuts across the
// suites' own periodic structure.
const mutationStride = 7

package checks_test

import "github.com/vpndoctor/vpndoctor/checks/permissive"

// permissiveForTests runs the permissive probe in the test process: the
// test binary has no vpndoctor-probe beside it.
var permissiveForTests = permissive.Probe

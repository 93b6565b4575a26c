//go:build !linux

package checks_test

import "github.com/vpndoctor/vpndoctor/checks"

// permissiveForTests: the permissive probe (zcrypto) builds only on Linux.
var permissiveForTests checks.PermissiveProbe

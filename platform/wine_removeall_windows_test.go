//go:build windows && wine

package platform

import _ "unsafe" // for go:linkname

// Wine 8.0 answers FileDispositionInformationEx, which os.RemoveAll uses
// since Go 1.24, with STATUS_NOT_IMPLEMENTED; Go falls back to the older
// call only on STATUS_INVALID_INFO_CLASS, STATUS_INVALID_PARAMETER or
// STATUS_NOT_SUPPORTED, so every t.TempDir cleanup fails with "Invalid
// function". The standard library's own switch for testing that fallback
// makes it the only path. scripts/wine-test.sh builds with -tags wine and
// -ldflags=-checklinkname=0, which this reference to an internal package
// needs.
//
//go:linkname deleteatFallback internal/syscall/windows.TestDeleteatFallback
var deleteatFallback bool

func init() { deleteatFallback = true }

// Package permissive is the second TLS attempt: a handshake that offers what
// VPN clients offer, made with zmap/zcrypto's scanning fork of crypto/tls,
// which still speaks DHE, static RSA, CBC and 3DES suites, TLS 1.0 and 1.1,
// and accepts SHA-1 and MD5 signatures. It reads the chain the server sends
// and what the server negotiates; judging either is the engine's job.
//
// Only cmd/vpndoctor-probe (and tests) import this package: zcrypto's
// package initialisation costs tens of milliseconds, which the engine must
// not pay when crypto/tls succeeds.
//
// zcrypto builds only on Linux here: its Windows root-store code no longer
// compiles with current Go (syscall.Pointer) and its macOS one needs cgo, so
// elsewhere this package is empty and vpndoctor-probe says it is unavailable.
package permissive

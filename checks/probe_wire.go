package checks

import (
	"context"
	"time"
)

// The permissive probe is the second TLS attempt, made only when crypto/tls
// cannot finish a handshake that VPN clients can: it offers what they offer
// (TLS 1.0 to 1.2; static RSA, DHE and ECDHE; CBC, GCM and 3DES; every
// signature algorithm down to MD5) through zmap/zcrypto's TLS fork. It runs
// in a program of its own, cmd/vpndoctor-probe: zcrypto's packages cost
// 20 to 50 ms of start-up (their tables are built at init), which a healthy
// gateway's diagnosis must not pay. checks/permissive is that program's
// library; these types are what crosses the pipe.

// PermissiveRequest asks for one permissive handshake.
type PermissiveRequest struct {
	Addr       string `json:"addr"`                  // host:port to dial
	ServerName string `json:"server_name,omitempty"` // SNI; empty for an IP address
	TimeoutMS  int64  `json:"timeout_ms"`
}

// PermissiveResult is what the permissive handshake saw, as plain data.
type PermissiveResult struct {
	ServerHello bool   `json:"server_hello"` // the server answered with a ServerHello
	Version     uint16 `json:"version,omitempty"`
	CipherSuite uint16 `json:"cipher_suite,omitempty"`
	CipherName  string `json:"cipher_name,omitempty"`
	KeyExchange string `json:"key_exchange,omitempty"` // ECDHE, DHE or RSA
	// Head is the first bytes the server sent (PermissiveHeadMax at most):
	// the engine reads the ServerHello's extensions from it.
	Head          []byte   `json:"head,omitempty"`
	Certificates  [][]byte `json:"certificates,omitempty"` // DER, in the order sent
	OCSPResponse  []byte   `json:"ocsp_response,omitempty"`
	CertRequested bool     `json:"cert_requested"`
	AcceptableCAs [][]byte `json:"acceptable_cas,omitempty"`
	Complete      bool     `json:"complete"` // the handshake finished
	// Alert is the alert the server sent (0 for none: close_notify never
	// ends a handshake).
	Alert   uint8  `json:"alert,omitempty"`
	Hangup  bool   `json:"hangup,omitempty"`  // the server closed or reset the connection
	Timeout bool   `json:"timeout,omitempty"` // no answer in time
	Error   string `json:"error,omitempty"`
}

// PermissiveHeadMax bounds PermissiveResult.Head.
const PermissiveHeadMax = helloTapMax

// PermissiveProbe runs one permissive handshake. Options.Permissive defaults
// to running cmd/vpndoctor-probe installed beside this program.
type PermissiveProbe func(ctx context.Context, req PermissiveRequest) (PermissiveResult, error)

func permissiveRequest(addr, host string, budget time.Duration) PermissiveRequest {
	return PermissiveRequest{Addr: addr, ServerName: sniName(host), TimeoutMS: budget.Milliseconds()}
}

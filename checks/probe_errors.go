package checks

import (
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"syscall"
)

// How a failed handshake ended, read from typed errors wherever the TLS
// library allows (see remoteAlert and oversizedMessage for where it does not).

// oversizedMessage reads the size of a handshake message crypto/tls refused
// as too large. crypto/tls reports it only as text (conn.go, readHandshake:
// "tls: handshake message of length %d bytes exceeds maximum of %d bytes"),
// with no typed error to match, so the numbers are read back from it.
func oversizedMessage(err error) (int, bool) {
	if err == nil {
		return 0, false
	}
	msg := err.Error()
	i := strings.Index(msg, "handshake message of length ")
	if i < 0 {
		return 0, false
	}
	var n, limit int
	if _, e := fmt.Sscanf(msg[i:], "handshake message of length %d bytes exceeds maximum of %d bytes", &n, &limit); e != nil {
		return 0, false
	}
	return n, true
}

// refusalAlerts are the alerts with which a server that asked for a
// certificate refuses the one it got, or its absence.
var refusalAlerts = map[uint8]bool{
	40:  true, // handshake_failure
	42:  true, // bad_certificate
	43:  true, // unsupported_certificate
	44:  true, // certificate_revoked
	45:  true, // certificate_expired
	46:  true, // certificate_unknown
	48:  true, // unknown_ca
	49:  true, // access_denied
	116: true, // certificate_required
}

// isRefusal: after a CertificateRequest, one of those alerts, or a close or
// reset, is the gateway refusing the device certificate.
func isRefusal(err error) bool {
	if a, ok := remoteAlert(err); ok {
		return refusalAlerts[a]
	}
	return isHangup(err)
}

// remoteAlert returns the alert the server sent. crypto/tls hands it back as
// *net.OpError{Op: "remote error", Err: alert(n)} with alert an unexported
// uint8 type (conn.go, readRecordOrCCS); tls.AlertError wraps only QUIC
// errors. So the value is read from the type's kind, never from the text;
// an alert we sent has Op "local error" and does not count.
func remoteAlert(err error) (uint8, bool) {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return 0, false
	}
	v := reflect.ValueOf(op.Err)
	if v.Kind() != reflect.Uint8 {
		return 0, false
	}
	return uint8(v.Uint()), true
}

var alertNames = map[uint8]string{
	10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure", 42: "bad_certificate",
	43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
	47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error",
	70: "protocol_version", 71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback",
	90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
	116: "certificate_required", 120: "no_application_protocol",
}

func alertName(a uint8) string {
	if n, ok := alertNames[a]; ok {
		return fmt.Sprintf("%s (%d)", n, a)
	}
	return fmt.Sprintf("unknown (%d)", a)
}

// isHangup reports a bare end of stream or reset: the server hung up, which
// some servers do instead of sending an alert.
func isHangup(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || closedBeforeRequest(err)
}

// closedBeforeRequest: net/http's own error for a connection the server
// closed before the request went out (its errServerClosedIdle is not
// exported, so only its text identifies it). A new connection the gateway
// closes right after the handshake meets this error instead of an EOF when
// the transport's reader sees the close first: the same refusal.
func closedBeforeRequest(err error) bool {
	return err != nil && strings.Contains(err.Error(), "server closed idle connection")
}

// certParseFailure: crypto/tls reports a certificate it cannot parse only as
// text (handshake_client.go wraps x509's untyped error with this prefix).
func certParseFailure(err error) bool {
	return err != nil && strings.Contains(err.Error(), "failed to parse certificate from server")
}

// isAlert reports whether the server ended the connection with an alert.
func isAlert(err error) bool {
	_, ok := remoteAlert(err)
	return ok
}

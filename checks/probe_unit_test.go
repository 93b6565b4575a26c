package checks

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
)

// fakeAlert has crypto/tls's alert shape: an error whose kind is uint8.
type fakeAlert uint8

func (a fakeAlert) Error() string { return fmt.Sprintf("alert %d", uint8(a)) }

func TestRemoteAlertIsTyped(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		alert   uint8
		ok      bool
		refusal bool
	}{
		{"remote bad_certificate", &net.OpError{Op: "remote error", Err: fakeAlert(42)}, 42, true, true},
		{"wrapped remote certificate_required", fmt.Errorf("handshake: %w", &net.OpError{Op: "remote error", Err: fakeAlert(116)}), 116, true, true},
		{"remote protocol_version", &net.OpError{Op: "remote error", Err: fakeAlert(70)}, 70, true, false},
		{"an alert we sent", &net.OpError{Op: "local error", Err: fakeAlert(42)}, 0, false, false},
		{"text that looks like an alert", errors.New("remote error: tls: bad certificate"), 0, false, false},
		{"a close", io.EOF, 0, false, true},
		{"nothing", nil, 0, false, false},
	}
	for _, tc := range tests {
		a, ok := remoteAlert(tc.err)
		if a != tc.alert || ok != tc.ok || isRefusal(tc.err) != tc.refusal {
			t.Errorf("%s: remoteAlert = %d, %v; isRefusal = %v", tc.name, a, ok, isRefusal(tc.err))
		}
	}
}

func TestOversizedMessage(t *testing.T) {
	n, ok := oversizedMessage(fmt.Errorf("tls: handshake message of length %d bytes exceeds maximum of %d bytes", 491520, 262144))
	if !ok || n != 491520 {
		t.Errorf("got %d, %v", n, ok)
	}
	if _, ok := oversizedMessage(errors.New("tls: handshake failure")); ok {
		t.Error("an unrelated error read as an oversized message")
	}
}

// parseServerHello reads what any server sends, however short or wrong,
// without a panic, and says seen only for a real ServerHello.
func TestParseServerHello(t *testing.T) {
	hello := func(exts ...byte) []byte {
		body := []byte{0x03, 0x03}
		body = append(body, make([]byte, 32)...) // random
		body = append(body, 0, 0xc0, 0x2f, 0)    // no session id, suite, no compression
		body = append(body, byte(len(exts)>>8), byte(len(exts)))
		body = append(body, exts...)
		msg := append([]byte{2, 0, byte(len(body) >> 8), byte(len(body))}, body...)
		return append([]byte{22, 3, 3, byte(len(msg) >> 8), byte(len(msg))}, msg...)
	}
	ri := []byte{0xff, 0x01, 0, 1, 0}
	if h := parseServerHello(hello(ri...)); !h.seen || !h.renegotiationInfo || h.version != 0x0303 {
		t.Errorf("with renegotiation_info: %+v", h)
	}
	if h := parseServerHello(hello()); !h.seen || h.renegotiationInfo {
		t.Errorf("without: %+v", h)
	}
	// Split over two records, as a server may send it.
	full := hello(ri...)
	msg := full[5:]
	split := append([]byte{22, 3, 3, 0, 10}, msg[:10]...)
	split = append(split, 22, 3, 3, byte((len(msg)-10)>>8), byte(len(msg)-10))
	split = append(split, msg[10:]...)
	if h := parseServerHello(split); !h.seen || !h.renegotiationInfo {
		t.Errorf("split over records: %+v", h)
	}
	for i := 0; i < len(full); i++ {
		if h := parseServerHello(full[:i]); h.seen {
			t.Errorf("truncated at %d read as a ServerHello", i)
		}
	}
	for _, b := range [][]byte{nil, []byte("HTTP/1.1 400 Bad Request\r\n"), {21, 3, 3, 0, 2, 2, 40}} {
		if h := parseServerHello(b); h.seen {
			t.Errorf("%q read as a ServerHello", b)
		}
	}
}

package checks

import (
	"net"

	"golang.org/x/crypto/cryptobyte"
)

// crypto/tls does not say whether the server answered our renegotiation_info
// extension (RFC 5746 secure renegotiation), and OpenSSL 3 based VPN clients
// (OpenConnect built with OpenSSL, openfortivpn) refuse a TLS 1.2 server that
// does not. helloTap keeps the first bytes the server sends so that its
// ServerHello, always the first message and always in the clear, can be read
// after the handshake: a copy of a few hundred bytes, not a second handshake.
type helloTap struct {
	net.Conn
	buf []byte
}

// helloTapMax is more than any ServerHello needs (a post-quantum key share
// included); the certificates that follow are not kept.
const helloTapMax = 4 << 10

func (t *helloTap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if room := helloTapMax - len(t.buf); room > 0 && n > 0 {
		t.buf = append(t.buf, p[:min(n, room)]...)
	}
	return n, err
}

// serverHello is what the ServerHello said.
type serverHello struct {
	seen              bool
	version           uint16 // supported_versions when present (TLS 1.3)
	renegotiationInfo bool
}

const (
	recordHandshake     = 22
	msgServerHello      = 2
	extRenegotiationInf = 0xff01
	extSupportedVers    = 43
)

// parseServerHello reads the ServerHello from the start of what the server
// sent; seen is false when the bytes hold none.
func parseServerHello(b []byte) serverHello {
	var msg []byte
	for len(b) >= 5 && b[0] == recordHandshake {
		n := int(b[3])<<8 | int(b[4])
		end := min(5+n, len(b))
		msg = append(msg, b[5:end]...)
		b = b[end:]
		if len(msg) >= 4 && len(msg) >= 4+(int(msg[1])<<16|int(msg[2])<<8|int(msg[3])) {
			break
		}
	}
	s := cryptobyte.String(msg)
	var typ uint8
	var body cryptobyte.String
	if !s.ReadUint8(&typ) || typ != msgServerHello || !s.ReadUint24LengthPrefixed(&body) {
		return serverHello{}
	}
	var h serverHello
	var sid, exts cryptobyte.String
	var suite uint16
	var comp uint8
	if !body.ReadUint16(&h.version) || !body.Skip(32) || !body.ReadUint8LengthPrefixed(&sid) ||
		!body.ReadUint16(&suite) || !body.ReadUint8(&comp) {
		return serverHello{}
	}
	h.seen = true
	if body.Empty() || !body.ReadUint16LengthPrefixed(&exts) {
		return h
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return h
		}
		switch typ {
		case extRenegotiationInf:
			h.renegotiationInfo = true
		case extSupportedVers:
			data.ReadUint16(&h.version)
		}
	}
	return h
}

package loginlab

import (
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

// OCSPHandler answers OCSP requests (POST, or GET with the request in the
// path) for certificates ca issued: every one is good.
func OCSPHandler(ca *CA) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var der []byte
		if r.Method == http.MethodPost {
			der, _ = io.ReadAll(io.LimitReader(r.Body, 1<<16))
		} else {
			der, _ = base64.StdEncoding.DecodeString(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
		}
		req, err := ocsp.ParseRequest(der)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		now := time.Now()
		resp, err := ocsp.CreateResponse(ca.Cert, ca.Cert, ocsp.Response{
			Status: ocsp.Good, SerialNumber: req.SerialNumber,
			ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour),
		}, ca.Key)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(resp)
	})
}

// NTPServer answers SNTP requests with this computer's clock.
type NTPServer struct {
	pc   net.PacketConn
	done chan struct{}
}

// ntpEpoch is 1900-01-01, where NTP time starts.
const ntpEpoch = 2208988800

// StartNTP listens on addr (host:0 for a free port).
func StartNTP(addr string) (*NTPServer, error) {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	s := &NTPServer{pc: pc, done: make(chan struct{})}
	go s.serve()
	return s, nil
}

// Addr is where the server listens.
func (s *NTPServer) Addr() string { return s.pc.LocalAddr().String() }

func (s *NTPServer) serve() {
	defer close(s.done)
	buf := make([]byte, 512)
	for {
		n, from, err := s.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if n < 48 {
			continue
		}
		recv := time.Now()
		out := make([]byte, 48)
		out[0] = 0<<6 | 4<<3 | 4 // no leap warning, version 4, server
		out[1] = 2               // stratum
		out[2] = 6
		out[3] = 0xec                             // precision
		binary.BigEndian.PutUint32(out[4:], 1<<8) // root delay
		binary.BigEndian.PutUint32(out[8:], 1<<8) // root dispersion
		copy(out[12:16], "LOCL")
		putNTPTime(out[16:], recv.Add(-time.Minute)) // reference time
		copy(out[24:32], buf[40:48])                 // the client's transmit time
		putNTPTime(out[32:], recv)
		putNTPTime(out[40:], time.Now())
		_, _ = s.pc.WriteTo(out, from)
	}
}

func putNTPTime(b []byte, t time.Time) {
	secs := uint64(t.Unix() + ntpEpoch)
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	binary.BigEndian.PutUint64(b, secs<<32|frac)
}

// Close stops the server.
func (s *NTPServer) Close() {
	s.pc.Close()
	<-s.done
}

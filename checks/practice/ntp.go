package practice

import (
	"encoding/binary"
	"time"
)

const (
	ntpPacket = 48
	// ntpEpoch is 1900-01-01 in Unix seconds.
	ntpEpoch = -2208988800
)

// answerNTP answers an NTPv3/v4 client request (mode 3) as a synchronized
// stratum-2 server whose clock reads now; nil drops anything else.
func answerNTP(req []byte, now time.Time) []byte {
	if len(req) < ntpPacket {
		return nil
	}
	version, mode := req[0]>>3&7, req[0]&7
	if mode != 3 || version < 3 || version > 4 {
		return nil
	}
	ts := ntpTime(now)
	r := make([]byte, ntpPacket)
	r[0] = 0<<6 | version<<3 | 4                  // leap 0 (no warning), server mode
	r[1] = 2                                      // stratum 2: synced to a stratum-1 server
	r[2] = max(req[2], 4)                         // poll, as asked
	r[3] = 0xec                                   // precision 2^-20 s
	binary.BigEndian.PutUint32(r[4:], 0x00000080) // root delay ~2 ms (16.16 s)
	binary.BigEndian.PutUint32(r[8:], 0x00000100) // root dispersion ~4 ms
	copy(r[12:16], []byte{192, 0, 2, 123})        // reference id: the upstream's address (TEST-NET-1)
	binary.BigEndian.PutUint64(r[16:], ts)        // reference time
	copy(r[24:32], req[40:48])                    // origin = the client's transmit timestamp
	binary.BigEndian.PutUint64(r[32:], ts)        // receive
	binary.BigEndian.PutUint64(r[40:], ts)        // transmit
	return r
}

// ntpTime is t as a 64-bit NTP timestamp; the era wraps by itself.
func ntpTime(t time.Time) uint64 {
	secs := uint64(t.Unix() - ntpEpoch)
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// newNTPServer answers with the clock now()+offset.
func newNTPServer(now func() time.Time, offset time.Duration) (*udpServer, error) {
	return newUDPServer(func(req []byte) []byte { return answerNTP(req, now().Add(offset)) })
}

// NTPBehaviour is how a test time server answers.
type NTPBehaviour int

// Time server behaviours: a good server, and the ways real ones go wrong.
const (
	NTPGood            NTPBehaviour = iota
	NTPGarbage                      // 48 bytes of nonsense
	NTPKissOfDeath                  // stratum 0, "RATE": go away
	NTPUnsynced                     // leap indicator 3: the server's clock is not set
	NTPSilent                       // reads and never answers
	NTPShortAnswer                  // a truncated packet
	NTPWrongOrigin                  // answers another request (spoofed or stale)
	NTPUnsyncedRefTime              // reference time 1900: never synchronised
)

// NTPServer is a time server on a loopback port for tests.
type NTPServer struct{ srv *udpServer }

// StartNTPServer answers with the clock now()+offset, behaving as b.
func StartNTPServer(now func() time.Time, offset time.Duration, b NTPBehaviour) (*NTPServer, error) {
	srv, err := newUDPServer(func(req []byte) []byte { return misbehave(answerNTP(req, now().Add(offset)), b) })
	if err != nil {
		return nil, err
	}
	srv.start()
	return &NTPServer{srv}, nil
}

// Addr is "127.0.0.1:PORT".
func (s *NTPServer) Addr() string { return s.srv.addr() }

// Close stops the server.
func (s *NTPServer) Close() error { return s.srv.close() }

func misbehave(r []byte, b NTPBehaviour) []byte {
	if r == nil {
		return nil
	}
	switch b {
	case NTPGarbage:
		for i := range r {
			r[i] = byte(i*37 + 11)
		}
	case NTPKissOfDeath:
		r[1] = 0
		copy(r[12:16], "RATE")
	case NTPUnsynced:
		r[0] |= 3 << 6
	case NTPSilent:
		return nil
	case NTPShortAnswer:
		return r[:20]
	case NTPWrongOrigin:
		r[24] ^= 0xff
	case NTPUnsyncedRefTime:
		clear(r[16:24])
		r[0] |= 3 << 6
	}
	return r
}

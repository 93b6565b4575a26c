package checks_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// A time server whose answer has the precision byte 0x80 made beevik/ntp
// panic (a negative shift), which ended the whole diagnosis in a crash
// file. Now it is one unreadable answer among the clock's sources.
func TestNTPAnswerThatPanickedTheParser(t *testing.T) {
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFromUDP(buf)
			if err != nil {
				return
			}
			out := []byte("$00\x80" + strings.Repeat("0", 44)) // v4 server, precision -128
			if n >= 48 {
				copy(out[24:32], buf[40:48])
			}
			_, _ = pc.WriteToUDP(out, from)
		}
	}()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := closed.Addr().String()
	closed.Close()
	target, _ := checks.ParseTarget(addr)
	rep := checks.Run(context.Background(), target, checks.Options{NTPServer: pc.LocalAddr().String(), Timeout: 5 * time.Second})
	if len(rep.Clock.Servers) != 1 || !strings.Contains(rep.Clock.Servers[0].Error, "unreadable answer") || rep.Clock.Known {
		t.Errorf("clock %+v", rep.Clock)
	}
}

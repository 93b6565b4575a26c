package loginlab

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// One request and its answer through the proxy take one round trip: the
// bench's latency model holds.
func TestDelayProxyAddsOneRoundTrip(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				c.Write([]byte(line))
			}()
		}
	}()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	const rtt = 80 * time.Millisecond
	p := StartDelayProxy(ln, echo.Addr().String(), rtt)
	defer p.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	c.Write([]byte("ping\n"))
	got, err := bufio.NewReader(c).ReadString('\n')
	took := time.Since(start)
	if err != nil || got != "ping\n" {
		t.Fatalf("got %q, %v", got, err)
	}
	if took < rtt || took > rtt+time.Second {
		t.Errorf("a round trip took %s, want about %s", took, rtt)
	}
}

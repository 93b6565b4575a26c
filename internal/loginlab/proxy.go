package loginlab

import (
	"errors"
	"net"
	"sync"
	"time"
)

// DelayProxy forwards TCP connections to a target and holds every chunk
// for half the round-trip time in each direction: a wide-area link on
// loopback. (The TCP handshake itself is not delayed: a user-space proxy
// cannot hold the kernel's SYN/ACK. Whatever runs through it loses that
// round trip alike.)
type DelayProxy struct {
	ln     net.Listener
	target string
	oneWay time.Duration
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]bool
	closed bool
}

// StartDelayProxy serves ln, forwarding to target with rtt per round trip.
func StartDelayProxy(ln net.Listener, target string, rtt time.Duration) *DelayProxy {
	p := &DelayProxy{ln: ln, target: target, oneWay: rtt / 2, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p
}

func (p *DelayProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(c)
		}()
	}
}

func (p *DelayProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	for _, c := range cs {
		p.conns[c] = true
	}
	return true
}

func (p *DelayProxy) serve(client net.Conn) {
	defer client.Close()
	backend, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer backend.Close()
	if !p.track(client, backend) {
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); delayedCopy(backend, client, p.oneWay) }()
	go func() { defer wg.Done(); delayedCopy(client, backend, p.oneWay) }()
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, backend)
	p.mu.Unlock()
}

// delayedCopy delivers what src sends to dst, each chunk d after it was
// read, in order, without holding later chunks behind earlier delays.
func delayedCopy(dst, src net.Conn, d time.Duration) {
	type chunk struct {
		b  []byte
		at time.Time
	}
	ch := make(chan chunk, 1024)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				ch <- chunk{buf[:n], time.Now().Add(d)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range ch {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	time.Sleep(d) // the end of the stream travels the link too
	if tc, ok := dst.(interface{ CloseWrite() error }); ok {
		_ = tc.CloseWrite()
	} else {
		dst.Close()
	}
}

// Close stops the proxy and every connection through it.
func (p *DelayProxy) Close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}

// UDPDelayProxy forwards datagrams to a target and its answers back, each
// after half the round-trip time (for NTP).
type UDPDelayProxy struct {
	pc     net.PacketConn
	target *net.UDPAddr
	oneWay time.Duration
	done   chan struct{}
}

// StartUDPDelayProxy listens on listen (host:0 for a free port).
func StartUDPDelayProxy(listen, target string, rtt time.Duration) (*UDPDelayProxy, error) {
	pc, err := net.ListenPacket("udp", listen)
	if err != nil {
		return nil, err
	}
	ta, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		pc.Close()
		return nil, err
	}
	p := &UDPDelayProxy{pc: pc, target: ta, oneWay: rtt / 2, done: make(chan struct{})}
	go p.serve()
	return p, nil
}

// Addr is where the proxy listens.
func (p *UDPDelayProxy) Addr() string { return p.pc.LocalAddr().String() }

func (p *UDPDelayProxy) serve() {
	defer close(p.done)
	buf := make([]byte, 2048)
	for {
		n, from, err := p.pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		req := append([]byte(nil), buf[:n]...)
		go p.relay(req, from)
	}
}

// relay sends one request on its own socket and returns the answer.
func (p *UDPDelayProxy) relay(req []byte, from net.Addr) {
	time.Sleep(p.oneWay)
	c, err := net.DialUDP("udp", nil, p.target)
	if err != nil {
		return
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, err := c.Read(buf)
	if err != nil {
		return
	}
	time.Sleep(p.oneWay)
	_, _ = p.pc.WriteTo(buf[:n], from)
}

// Close stops the proxy.
func (p *UDPDelayProxy) Close() {
	p.pc.Close()
	<-p.done
}

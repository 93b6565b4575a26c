package practice

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// udpServer is a request/response server on a loopback UDP port. One
// goroutine reads, answers inline and writes under a deadline.
type udpServer struct {
	pc     net.PacketConn
	answer func(req []byte) []byte
	wg     sync.WaitGroup
}

func newUDPServer(answer func([]byte) []byte) (*udpServer, error) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &udpServer{pc: pc, answer: answer}, nil
}

func (s *udpServer) addr() string { return s.pc.LocalAddr().String() }

func (s *udpServer) start() {
	s.wg.Add(1)
	go s.serve()
}

func (s *udpServer) serve() {
	defer crash.Guard()
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, from, err := s.pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(time.Millisecond) // a transient error; do not spin
			continue
		}
		out := s.answer(buf[:n])
		if out == nil {
			continue
		}
		_ = s.pc.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = s.pc.WriteTo(out, from)
	}
}

func (s *udpServer) close() error {
	err := s.pc.Close()
	s.wg.Wait()
	return ignoreClosed(err)
}

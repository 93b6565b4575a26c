package loginlab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DNS is a dnsmasq serving fixed records on a loopback port.
type DNS struct {
	Addr string // 127.0.0.1:port
	cmd  *exec.Cmd
	done chan struct{}
}

// ErrNoDnsmasq says dnsmasq is not installed.
var ErrNoDnsmasq = errors.New("dnsmasq is not installed")

// StartDNS runs dnsmasq in the foreground with one --host-record per
// address (it answers A and AAAA with every address of a name).
func StartDNS(records map[string][]string) (*DNS, error) {
	bin, err := exec.LookPath("dnsmasq")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/dnsmasq"); serr != nil {
			return nil, ErrNoDnsmasq
		}
		bin = "/usr/sbin/dnsmasq"
	}
	names := make([]string, 0, len(records))
	for n := range records {
		names = append(names, n)
	}
	sort.Strings(names)
	var lastErr error
	for try := 0; try < 10; try++ {
		port, err := freeUDPPort()
		if err != nil {
			return nil, err
		}
		args := []string{"--no-daemon", "--port=" + strconv.Itoa(port), "--listen-address=127.0.0.1", "--bind-interfaces",
			"--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--log-facility=-", "--cache-size=0", "--user=" + currentUser()}
		for _, n := range names {
			for _, a := range records[n] {
				args = append(args, "--host-record="+n+","+a)
			}
		}
		d, err := startDNS(bin, args, port)
		if err == nil {
			return d, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startDNS(bin string, args []string, port int) (*DNS, error) {
	cmd := exec.Command(bin, args...)
	stderr, _ := cmd.StderrPipe()
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	d := &DNS{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd, done: make(chan struct{})}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var log []string
		for sc.Scan() {
			log = append(log, sc.Text())
			if strings.Contains(sc.Text(), "cleared cache") || strings.Contains(sc.Text(), "started,") {
				select {
				case ready <- nil:
				default:
				}
			}
		}
		select {
		case ready <- fmt.Errorf("dnsmasq ended: %s", strings.Join(log, "; ")):
		default:
		}
	}()
	go func() { cmd.Wait(); close(d.done) }()
	select {
	case err := <-ready:
		if err != nil {
			d.Close()
			return nil, err
		}
	case <-time.After(5 * time.Second):
		d.Close()
		return nil, errors.New("dnsmasq did not start")
	}
	// "started" is logged before the socket answers on some versions:
	// ask until it does.
	for i := 0; i < 50; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := d.Resolver().LookupHost(ctx, "ready.invalid")
		cancel()
		if answered(err) {
			return d, nil
		}
		select {
		case <-d.done:
			return nil, errors.New("dnsmasq ended")
		case <-time.After(20 * time.Millisecond):
		}
	}
	return d, nil
}

// answered: any reply (no such name, refused) means the server is up.
func answered(err error) bool {
	var de *net.DNSError
	return err == nil || errors.As(err, &de) && !de.IsTimeout && !strings.Contains(de.Err, "connection refused")
}

// Resolver asks this dnsmasq only.
func (d *DNS) Resolver() *net.Resolver {
	var dialer net.Dialer
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, d.Addr)
	}}
}

// Close stops dnsmasq (the process this package started, by its id).
func (d *DNS) Close() {
	if d.cmd.Process != nil {
		_ = d.cmd.Process.Kill()
	}
	<-d.done
}

func freeUDPPort() (int, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

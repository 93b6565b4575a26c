package loginlab

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// Ocserv is a real OpenConnect VPN server (the AnyConnect protocol) on a
// loopback address, for tests that need a gateway that answers as one.
type Ocserv struct {
	Port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// ErrNoOcserv says ocserv is not installed.
var ErrNoOcserv = errors.New("ocserv is not installed")

// StartOcserv runs ocserv in the foreground on addr with cert. Its files go
// to a directory of their own under the system's temporary directory: the
// worker ocserv drops to (nobody) must reach them, which it cannot inside
// a test's private temporary directory.
func StartOcserv(addr string, cert tls.Certificate) (*Ocserv, error) {
	bin, err := exec.LookPath("ocserv")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/ocserv"); serr != nil {
			return nil, ErrNoOcserv
		}
		bin = "/usr/sbin/ocserv"
	}
	dir, err := os.MkdirTemp("", "loginlab-ocserv-")
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(dir, 0o755)
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	if err := writeIdentity(dir, cert); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte("user:*:$5$x$y\n"), 0o644); err != nil {
		return nil, err
	}
	var lastErr error
	for try := 0; try < 5; try++ {
		port, err := freeTCPPort(addr)
		if err != nil {
			return nil, err
		}
		conf := fmt.Sprintf(`auth = "plain[passwd=%[1]s/passwd]"
tcp-port = %[2]d
listen-host = %[3]s
socket-file = %[1]s/sock
server-cert = %[1]s/cert.pem
server-key = %[1]s/key.pem
isolate-workers = false
max-clients = 4
device = vpns
ipv4-network = 192.168.99.0/24
pid-file = %[1]s/pid
`, dir, port, addr)
		if os.Geteuid() == 0 {
			conf += "run-as-user = nobody\nrun-as-group = nogroup\n"
		}
		cf := filepath.Join(dir, "ocserv.conf")
		if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
			return nil, err
		}
		o := &Ocserv{Port: port, dir: dir, cmd: exec.Command(bin, "-f", "-c", cf), done: make(chan struct{})}
		if logf, err := os.Create(filepath.Join(dir, "ocserv.log")); err == nil {
			o.cmd.Stdout, o.cmd.Stderr = logf, logf
		}
		if err := o.cmd.Start(); err != nil {
			return nil, err
		}
		go func() { o.cmd.Wait(); close(o.done) }()
		if lastErr = o.waitListening(addr); lastErr == nil {
			ok = true
			return o, nil
		}
		o.stop()
	}
	return nil, lastErr
}

func (o *Ocserv) waitListening(addr string) error {
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(o.Port)), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-o.done:
			return errors.New("ocserv ended at start")
		case <-time.After(30 * time.Millisecond):
		}
	}
	return errors.New("ocserv did not listen")
}

// Close stops this ocserv (by its process id), waits for it and removes
// its files.
func (o *Ocserv) Close() {
	o.stop()
	os.RemoveAll(o.dir)
}

func (o *Ocserv) stop() {
	if o.cmd.Process != nil {
		_ = o.cmd.Process.Kill()
	}
	<-o.done
}

func writeIdentity(dir string, cert tls.Certificate) error {
	var chain []byte
	for _, der := range cert.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), chain, 0o644); err != nil {
		return err
	}
	// Readable by the unprivileged worker ocserv drops to; a test key.
	return os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o644)
}

func freeTCPPort(addr string) (int, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

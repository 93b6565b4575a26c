// Command wanlab serves a VPN login over a simulated wide-area network on
// loopback, for bench/wan.sh: a gateway name with two addresses, three more
// endpoints (portal, backup server, sign-in page), an OCSP responder and a
// time server, each behind a delaying proxy (100 ms per round trip to the
// gateways, 60 ms to OCSP, 30 ms to NTP), and dnsmasq for the names. It
// writes how to reach them as shell variables and serves until interrupted.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/loginlab"
)

const (
	gatewayRTT = 100 * time.Millisecond
	ocspRTT    = 60 * time.Millisecond
	ntpRTT     = 30 * time.Millisecond
)

type closer interface{ Close() }

func main() {
	envFile := flag.String("env", "", "write the shell variables here too")
	flag.Parse()
	var open []closer
	defer func() {
		for i := len(open) - 1; i >= 0; i-- {
			open[i].Close()
		}
	}()
	env, err := start(&open)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wanlab:", err)
		os.Exit(1)
	}
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(env), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "wanlab:", err)
			os.Exit(1)
		}
	}
	fmt.Print(env)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

func start(open *[]closer) (string, error) {
	dir, err := os.MkdirTemp("", "vpndoctor-wanlab-")
	if err != nil {
		return "", err
	}
	*open = append(*open, removeDir(dir))
	now := time.Now()
	root, err := loginlab.NewRoot("WAN Bench Root", now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		return "", err
	}
	inter, err := root.Intermediate("WAN Bench Issuing CA", now.AddDate(-1, 0, 0), now.AddDate(3, 0, 0))
	if err != nil {
		return "", err
	}
	// OCSP: a responder, and the delaying proxy in front of it that the
	// certificates name.
	ocspSrv, err := loginlab.ServeHTTP("127.0.0.1", loginlab.OCSPHandler(inter))
	if err != nil {
		return "", err
	}
	*open = append(*open, ocspSrv)
	ocspLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	*open = append(*open, loginlab.StartDelayProxy(ocspLn, ocspSrv.Addr(), ocspRTT))
	ocspURL := "http://" + ocspLn.Addr().String() + "/ocsp"

	records := map[string][]string{}
	gatewayAddr, port, err := serveHost(open, inter, "vpn.wan.test", []string{"127.0.0.2", "127.0.0.3"}, ocspURL, dir, true)
	if err != nil {
		return "", err
	}
	records["vpn.wan.test"] = []string{"127.0.0.2", "127.0.0.3"}
	var endpoints []string
	for i, name := range []string{"portal.wan.test", "backup.wan.test", "idp.wan.test"} {
		addr := fmt.Sprintf("127.0.0.%d", 4+i)
		_, p, err := serveHost(open, inter, name, []string{addr}, ocspURL, dir, false)
		if err != nil {
			return "", err
		}
		records[name] = []string{addr}
		endpoints = append(endpoints, name+":"+strconv.Itoa(p))
	}
	ntp, err := loginlab.StartNTP("127.0.0.1:0")
	if err != nil {
		return "", err
	}
	*open = append(*open, ntp)
	ntpProxy, err := loginlab.StartUDPDelayProxy("127.0.0.1:0", ntp.Addr(), ntpRTT)
	if err != nil {
		return "", err
	}
	*open = append(*open, ntpProxy)
	dns, err := loginlab.StartDNS(records)
	if err != nil {
		return "", err
	}
	*open = append(*open, dns)
	rootFile := filepath.Join(dir, "root.pem")
	issuerFile := filepath.Join(dir, "issuer.pem")
	if err := os.WriteFile(rootFile, loginlab.PEM(root.Cert), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(issuerFile, loginlab.PEM(inter.Cert), 0o644); err != nil {
		return "", err
	}
	vars := [][2]string{
		{"WAN_TARGET", "vpn.wan.test:" + strconv.Itoa(port)},
		{"WAN_HOST", "vpn.wan.test"},
		{"WAN_ADDR", gatewayAddr},
		{"WAN_ENDPOINTS", strings.Join(endpoints, " ")},
		{"WAN_DNS", dns.Addr},
		{"WAN_NTP", ntpProxy.Addr()},
		{"WAN_ROOT_FILE", rootFile},
		{"WAN_ISSUER_FILE", issuerFile},
		{"WAN_LEAF_FILE", filepath.Join(dir, "vpn.wan.test.pem")},
		{"WAN_OCSP_URL", ocspURL},
	}
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "%s=%q\n", v[0], v[1])
	}
	return b.String(), nil
}

// serveHost starts the TLS server of one name on a backend port and a
// delaying proxy on each of its addresses (one port for all), and returns
// the first proxy address and the port.
func serveHost(open *[]closer, ca *loginlab.CA, name string, addrs []string, ocspURL, dir string, writeLeaf bool) (string, int, error) {
	now := time.Now()
	cert, err := ca.Leaf(loginlab.LeafSpec{Names: []string{name}, NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(0, 3, 0), OCSPURL: ocspURL})
	if err != nil {
		return "", 0, err
	}
	if writeLeaf {
		if err := os.WriteFile(filepath.Join(dir, name+".pem"), loginlab.PEM(cert.Leaf), 0o644); err != nil {
			return "", 0, err
		}
	}
	backend, err := loginlab.ServeNodes([]loginlab.Node{{Addr: "127.0.0.1", Cert: cert, Handler: anyConnectLogin}})
	if err != nil {
		return "", 0, err
	}
	*open = append(*open, backend)
	lns, port, err := loginlab.ListenSamePort("tcp", addrs)
	if err != nil {
		return "", 0, err
	}
	for _, ln := range lns {
		*open = append(*open, loginlab.StartDelayProxy(ln, backend.Addr(), gatewayRTT))
	}
	return net.JoinHostPort(addrs[0], strconv.Itoa(port)), port, nil
}

// anyConnectLogin answers the first login step the way ocserv does (its
// config-auth answer, as captured from ocserv 1.1): a gateway with a login,
// as the login probe expects of a real one.
var anyConnectLogin = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Transcend-Version", "1")
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="auth-request">
<version who="sg">0.1(1)</version>
<auth id="main">
<message>Please enter your username.</message>
<form method="post" action="/auth">
<input type="text" name="username" label="Username:" />
</form></auth>
</config-auth>`)
})

type removeDir string

func (d removeDir) Close() { os.RemoveAll(string(d)) }

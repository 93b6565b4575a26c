// Package vpnlab runs real VPN parts on loopback for tests: the ocserv
// gateway, the openconnect client and nginx asking for client certificates.
// It is test support only; nothing outside _test.go files should import it.
//
// Every server listens on 127.0.0.1 on a free port (never a fixed one), runs
// in the foreground from a configuration written to t.TempDir(), and is
// stopped, with its whole process group, in t.Cleanup. The servers and the
// client run on Unix only (process groups); the test PKI (NewCA, Issue,
// Write) and Need build everywhere.
//
//	bin := vpnlab.Need(t, "ocserv") // skips when missing and CI is unset; fails in CI
//
//	pki := vpnlab.NewCA(t, "Lab Root CA")
//	srv := pki.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
//	srvCert, srvKey := srv.Write(t, t.TempDir(), "server")
//
//	gw := vpnlab.StartOcserv(t, vpnlab.OcservConfig{
//		CertFile: srvCert, KeyFile: srvKey, // the gateway's own identity
//		CAFile:   pki.Write(t, t.TempDir(), "ca"), // CAs whose device certificates it accepts
//		Auth:     vpnlab.AuthCertificate,   // or AuthPlain, AuthPlainOrCert, AuthPlainAndCert
//		Users:    map[string]string{"alice": "secret"}, // for the plain modes
//		CiscoClientCompat: true,
//		TLSPriorities: vpnlab.TLS12Only,     // or TLS13Only, or "" for ocserv's default
//		Extra: []string{"banner = hello"},   // raw config lines
//	})
//	res := vpnlab.Openconnect(t, vpnlab.LoginOptions{
//		URL: gw.URL, CAFile: caFile,
//		CertFile: devCert, KeyFile: devKey,  // optional device identity (PEM or PKCS#12 with KeyPassword)
//		User: "alice", Password: "secret",   // optional
//	})
//	// res.OK: openconnect --authenticate got a session cookie; res.Output: what it printed.
//
//	web := vpnlab.StartNginx(t, vpnlab.NginxConfig{
//		CertFile: srvCert, KeyFile: srvKey, ClientCAFile: caFile,
//		VerifyClient: "on", // or "optional", "optional_no_ca", "off"
//		Protocols: "TLSv1.2 TLSv1.3",
//	})
//
// ocserv needs, in a sandbox without systemd: run-as-user/group set to the
// current user (root here), isolate-workers = false, its own pid-file and a
// short socket-file path (a Unix socket path is limited to 107 bytes, so it
// lives in a short /tmp directory, not t.TempDir()), use-occtl = false and no
// UDP port; max-ban-score = 0, since every test connects from 127.0.0.1 and
// ocserv would otherwise ban it after some failed logins. No tun device is needed: openconnect --authenticate stops after
// the login, before the tunnel. openconnect --passwd-on-stdin fails at once on
// an empty stdin, so Openconnect always writes a line.
package vpnlab

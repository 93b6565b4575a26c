package checks_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// loginGateway is a real TLS server on loopback answering the first login
// step the way one vendor's gateway does (answers modelled on openconnect's
// auth.c, gpst.c and fortinet.c, which speak to the real products).
type loginGateway struct {
	root *x509.Certificate
	url  string
}

func startLoginGateway(t *testing.T, clientAuth tls.ClientAuthType, h http.HandlerFunc) loginGateway {
	t.Helper()
	ca := vpnlab.NewCA(t, "Login Lab Root")
	leaf := ca.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key}},
		ClientAuth:   clientAuth,
		MaxVersion:   tls.VersionTLS12,
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	if h == nil {
		// Completes the handshake, then hangs up without a word.
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				_ = c.(*tls.Conn).Handshake()
				c.Close()
			}
		}()
	} else {
		go srv.Serve(l)
	}
	t.Cleanup(func() { srv.Close(); l.Close() })
	return loginGateway{root: ca.Cert, url: "https://" + l.Addr().String() + "/"}
}

func (g loginGateway) diagnose(t *testing.T) *checks.Report {
	t.Helper()
	target, err := checks.ParseTarget(g.url)
	if err != nil {
		t.Fatal(err)
	}
	return checks.Run(context.Background(), target, checks.Options{
		Trust: checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{g.root}}, Timeout: 8 * time.Second})
}

// anyConnectOnly answers only the AnyConnect init (a POST with
// X-Aggregate-Auth); everything else is 404, as on an ASA.
func anyConnectOnly(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("X-Aggregate-Auth") != "1" || !strings.Contains(r.UserAgent(), "AnyConnect") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Transcend-Version", "1")
		w.Write([]byte(body))
	}
}

func TestLoginFirstStep(t *testing.T) {
	t.Parallel()
	samlURL := "https://idp.example.com/saml2/sso?SAMLRequest=abc"
	gpSAML := base64.StdEncoding.EncodeToString([]byte(samlURL))
	cases := []struct {
		name       string
		clientAuth tls.ClientAuthType
		h          http.HandlerFunc
		primary    checks.ID
		check      func(t *testing.T, li *checks.LoginInfo)
	}{
		{"asa client-cert-request", tls.NoClientCert, anyConnectOnly(`<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="auth-request" aggregate-auth-version="2"><opaque is-for="sg"><tunnel-group>DEVICES</tunnel-group></opaque><client-cert-request/></config-auth>`),
			checks.ClientCertRequired, func(t *testing.T, li *checks.LoginInfo) {
				if li.Product != "anyconnect" || li.Verdict != checks.LoginCertRequired || !li.CertRequested {
					t.Errorf("got %+v", li)
				}
			}},
		{"asa groups and password", tls.NoClientCert, anyConnectOnly(`<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="auth-request" aggregate-auth-version="2"><auth id="main"><message>Please enter your username and password.</message>
<form><select name="group_list" label="GROUP:"><option selected="true">Staff</option><option>Contractors &amp; Guests</option></select>
<input type="text" name="username" label="Username:"></input><input type="password" name="password" label="Password:"></input></form></auth></config-auth>`),
			checks.OK, func(t *testing.T, li *checks.LoginInfo) {
				if li.Verdict != checks.LoginPassword || strings.Join(li.Groups, "|") != "Staff|Contractors & Guests" {
					t.Errorf("got %+v", li)
				}
			}},
		{"asa saml", tls.NoClientCert, anyConnectOnly(`<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="auth-request" aggregate-auth-version="2"><auth id="main"><title>Login</title>
<sso-v2-login>https://idp.example.com/saml2/sso?SAMLRequest=abc&amp;RelayState=1</sso-v2-login><sso-v2-login-final>https://vpn/+CSCOE+/saml_ac_login.html</sso-v2-login-final></auth></config-auth>`),
			checks.OK, func(t *testing.T, li *checks.LoginInfo) {
				if li.Verdict != checks.LoginSAML || li.SSOURL != samlURL+"&RelayState=1" {
					t.Errorf("got %+v", li)
				}
			}},
		{"asa certificate asked in TLS, password possible", tls.RequestClientCert, anyConnectOnly(`<config-auth client="vpn" type="auth-request"><auth id="main"><form><input type="password" name="password"/></form></auth></config-auth>`),
			checks.OK, func(t *testing.T, li *checks.LoginInfo) {
				if li.Verdict != checks.LoginCertOptional {
					t.Errorf("got %+v", li)
				}
			}},
		{"globalprotect saml", tls.NoClientCert, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/global-protect/prelogin.esp" {
				http.NotFound(w, r)
				return
			}
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" ?><prelogin-response><status>Success</status><ccusername/><autosubmit>false</autosubmit><msg/><newmsg/><authentication-message>Enter login credentials</authentication-message><panos-version>1</panos-version><saml-default-browser>yes</saml-default-browser><saml-auth-status>0</saml-auth-status><saml-auth-method>REDIRECT</saml-auth-method><saml-request-timeout>600</saml-request-timeout><saml-request-id>0</saml-request-id><saml-request>` + gpSAML + `</saml-request><region>JP</region></prelogin-response>`))
		}, checks.OK, func(t *testing.T, li *checks.LoginInfo) {
			if li.Product != "globalprotect" || li.Verdict != checks.LoginSAML || li.SSOURL != samlURL {
				t.Errorf("got %+v", li)
			}
		}},
		{"fortigate", tls.NoClientCert, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/remote/login" {
				http.NotFound(w, r)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: "SVPNTMPCOOKIE", Value: "x"})
			w.Write([]byte(`<html><body><form action="/remote/logincheck" method="post"><input name="username"><input type="password" name="credential"></form><a href="/remote/saml/start?redirect=1">Single Sign-On</a></body></html>`))
		}, checks.OK, func(t *testing.T, li *checks.LoginInfo) {
			if li.Product != "fortigate" || !strings.HasSuffix(li.SSOURL, "/remote/saml/start?redirect=1") || strings.Join(li.Methods, ",") != "saml,password" {
				t.Errorf("got %+v", li)
			}
		}},
		{"web saml redirect", tls.NoClientCert, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" || r.Method != http.MethodGet {
				http.NotFound(w, r)
				return
			}
			http.Redirect(w, r, samlURL, http.StatusFound)
		}, checks.OK, func(t *testing.T, li *checks.LoginInfo) {
			if li.Product != "web" || li.Verdict != checks.LoginSAML || li.SSOURL != samlURL {
				t.Errorf("got %+v", li)
			}
		}},
		{"closes after the handshake", tls.RequestClientCert, nil, checks.ClientCertRequired, func(t *testing.T, li *checks.LoginInfo) {
			if li.Verdict != checks.LoginCertRequired || !strings.Contains(li.Answer, "closed") {
				t.Errorf("got %+v", li)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rep := startLoginGateway(t, c.clientAuth, c.h).diagnose(t)
			if rep.Primary != c.primary {
				t.Errorf("primary %s, want %s (%s)", rep.Primary, c.primary, ids(rep))
			}
			if rep.Login == nil {
				t.Fatal("no login information in the report")
			}
			c.check(t, rep.Login)
			if len(rep.Login.Requests) > 6 {
				t.Errorf("too many requests: %v", rep.Login.Requests)
			}
		})
	}
}

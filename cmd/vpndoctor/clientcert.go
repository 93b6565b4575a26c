package main

import (
	"bufio"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/vpndoctor/vpndoctor/checks"
)

// passwordFunc asks for a PKCS#12 file's password. The password is used to
// open the file and then dropped: it is never stored or written anywhere.
type passwordFunc func(prompt string) ([]byte, error)

// terminalPassword asks on the terminal without echo; from a pipe it reads
// one line (scripts).
func terminalPassword(prompt string) ([]byte, error) {
	fd := int(os.Stdin.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprint(os.Stderr, prompt)
		defer fmt.Fprintln(os.Stderr)
		return term.ReadPassword(fd)
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return []byte(strings.TrimRight(line, "\r\n")), nil
}

// flagIdentity is --client-cert/--client-key, for a real gateway or a
// practice one.
func flagIdentity(certPath, keyPath string) (*tls.Certificate, error) {
	if keyPath != "" && certPath == "" {
		return nil, usagef("--client-key needs --client-cert")
	}
	if certPath == "" {
		return nil, nil
	}
	return loadClientIdentity(certPath, keyPath, terminalPassword)
}

// loadClientIdentity reads --client-cert (PEM with or without its key, or
// PKCS#12) and --client-key. A certificate whose key is missing or does not
// match is still returned, without a usable key, for the engine to judge.
func loadClientIdentity(certPath, keyPath string, ask passwordFunc) (*tls.Certificate, error) {
	data, err := readSmall(certPath, "--client-cert")
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(data), "-----BEGIN") {
		if _, derErr := x509.ParseCertificate(data); derErr != nil {
			return loadPKCS12(certPath, data, ask)
		}
	}
	certs, err := checks.ParseCertificates(data)
	if err != nil || len(certs) == 0 {
		return nil, usagef("--client-cert: %s holds no certificate that can be read", certPath)
	}
	id := &tls.Certificate{}
	for _, c := range certs {
		id.Certificate = append(id.Certificate, c.Raw)
	}
	keyData := data
	if keyPath != "" {
		if keyData, err = readSmall(keyPath, "--client-key"); err != nil {
			return nil, err
		}
	}
	key, err := parsePrivateKey(keyData)
	if err != nil {
		return nil, usagef("%s: %v", keyFlag(keyPath), err)
	}
	id.PrivateKey = key // may be nil: judged as "no private key"
	return id, nil
}

func keyFlag(keyPath string) string {
	if keyPath == "" {
		return "--client-cert"
	}
	return "--client-key"
}

const maxIdentityFile = 1 << 20

func readSmall(path, flag string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, usagef("%s: %s cannot be read: %v", flag, path, unwrapPathError(err))
	}
	if st.Size() > maxIdentityFile {
		return nil, usagef("%s: %s is too large (%d bytes) to be a certificate or key", flag, path, st.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%s: %s cannot be read: %v", flag, path, unwrapPathError(err))
	}
	return data, nil
}

// parsePrivateKey finds the first private key in PEM data; none is not an
// error (the certificate is judged without one).
func parsePrivateKey(data []byte) (crypto.PrivateKey, error) {
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, nil
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		if _, enc := b.Headers["DEK-Info"]; enc || b.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("the private key is encrypted; give the certificate and key as one PKCS#12 (.p12/.pfx) file instead, and vpndoctor asks for its password")
		}
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		return nil, errors.New("the private key cannot be read")
	}
}

// loadPKCS12 opens a .p12/.pfx, first without a password (many are), then
// asking for it once.
func loadPKCS12(path string, data []byte, ask passwordFunc) (*tls.Certificate, error) {
	key, leaf, cas, err := pkcs12.DecodeChain(data, "")
	if errors.Is(err, pkcs12.ErrIncorrectPassword) && ask != nil {
		pw, perr := ask(fmt.Sprintf("Password for %s: ", path))
		if perr != nil {
			return nil, usagef("--client-cert: no password for %s: %v", path, perr)
		}
		key, leaf, cas, err = pkcs12.DecodeChain(data, string(pw))
		clear(pw)
	}
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, usagef("--client-cert: the password for %s is not right", path)
	}
	if err != nil {
		return nil, usagef("--client-cert: %s is neither PEM nor a PKCS#12 file that can be read: %v", path, err)
	}
	id := &tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key}
	for _, c := range cas {
		id.Certificate = append(id.Certificate, c.Raw)
	}
	return id, nil
}

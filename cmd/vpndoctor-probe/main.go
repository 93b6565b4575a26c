//go:build linux

// Command vpndoctor-probe is vpndoctor's permissive TLS probe: one JSON
// checks.PermissiveRequest on stdin, one JSON checks.PermissiveResult on
// stdout. vpndoctor starts it only when Go's TLS cannot finish a handshake,
// so that the common case never pays for its TLS library's start-up.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/permissive"
)

func main() {
	os.Exit(run())
}

func run() int {
	var req checks.PermissiveRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "vpndoctor-probe: bad request:", err)
		return 2
	}
	res, err := permissive.Probe(context.Background(), req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vpndoctor-probe:", err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "vpndoctor-probe:", err)
		return 1
	}
	return 0
}

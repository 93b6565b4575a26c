package checks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// probeProgram is the permissive probe's executable name.
const probeProgram = "vpndoctor-probe"

// maxProbeAnswer bounds what we read back: zcrypto stops at 64 KiB of
// certificates, which base64 in JSON makes about 90 KB.
const maxProbeAnswer = 1 << 20

// ExecPermissive runs the permissive probe program at path.
func ExecPermissive(path string) PermissiveProbe {
	return func(ctx context.Context, req PermissiveRequest) (PermissiveResult, error) {
		var res PermissiveResult
		in, err := json.Marshal(req)
		if err != nil {
			return res, err
		}
		cmd := exec.CommandContext(ctx, path)
		cmd.Stdin = bytes.NewReader(in)
		var out, stderr bytes.Buffer
		cmd.Stdout = &limitedWriter{w: &out, n: maxProbeAnswer}
		cmd.Stderr = &limitedWriter{w: &stderr, n: 4 << 10}
		if err := cmd.Run(); err != nil {
			return res, fmt.Errorf("run %s: %w %s", path, err, strings.TrimSpace(stderr.String()))
		}
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			return res, fmt.Errorf("read %s's answer: %w", path, err)
		}
		return res, nil
	}
}

// installedPermissive runs the probe program installed beside this one (or,
// failing that, on PATH).
func installedPermissive(ctx context.Context, req PermissiveRequest) (PermissiveResult, error) {
	name := probeProgram
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	path := ""
	if exe, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), name); fileExists(p) {
			path = p
		}
	}
	if path == "" {
		p, err := exec.LookPath(probeProgram)
		if err != nil {
			return PermissiveResult{}, errors.New(probeProgram + " is not installed beside vpndoctor")
		}
		path = p
	}
	return ExecPermissive(path)(ctx, req)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// limitedWriter keeps the first n bytes and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

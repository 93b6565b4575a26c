package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

// backupReport is a real diagnosis of the practice gateway that sends an
// untrusted chain, whose login lists the practice gateway with an expired
// certificate as its backup server.
func backupReport(t *testing.T) *checks.Report {
	t.Helper()
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lab.Close() })
	addr, err := lab.Target("untrusted_root")
	if err != nil {
		t.Fatal(err)
	}
	backup, err := lab.Target("expired")
	if err != nil {
		t.Fatal(err)
	}
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := lab.Options("untrusted_root")
	if err != nil {
		t.Fatal(err)
	}
	opts.LoginOptions.Endpoints = []checks.Endpoint{{Role: checks.EndpointBackup, Address: backup}}
	return checks.Run(context.Background(), target, opts)
}

// The result screen puts the backup server's expired certificate, which
// every VPN app refuses, under its own heading, not under "Not why your VPN
// fails". VPNDOCTOR_SHOTS=DIR saves the screen as PNG (for people to look
// at; nothing compares the pictures).
func TestResultHeadsServersVPNAppsRefuse(t *testing.T) {
	rep := backupReport(t)
	if rep.Primary != checks.UntrustedRoot {
		t.Fatalf("primary %s", rep.Primary)
	}
	for _, c := range []struct {
		lang           guide.Lang
		heading, never string
	}{
		{guide.En, "Not the cause found here, but VPN apps refuse these other servers of your login", "Not why your VPN fails"},
		{guide.Ja, "ほかのサーバーに VPN アプリが接続できません", "VPN の接続は妨げませんが"},
	} {
		h := newHarness(t, Config{Lang: c.lang})
		run := &checkRun{}
		h.w.run = run
		h.w.finished(run, rep)
		if !h.shows(c.heading) {
			t.Errorf("%s: no heading %q", c.lang, c.heading)
		}
		if h.shows(c.never) {
			t.Errorf("%s: the backup's expired certificate is under %q", c.lang, c.never)
		}
		// The cause's own steps come first, right after the cause.
		if steps, adv := h.position(guide.Labels(c.lang)["steps"]), h.position(c.heading); steps < 0 || adv < steps {
			t.Errorf("%s: the steps (label %d) are not above the other servers' heading (label %d)", c.lang, steps, adv)
		}
		if dir := os.Getenv("VPNDOCTOR_SHOTS"); dir != "" {
			h.w.Window().Resize(fyne.NewSize(760, 1500))
			f, err := os.Create(filepath.Join(dir, "backup-expired-"+string(c.lang)+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, h.w.Window().Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
			_ = f.Close()
		}
	}
}

package guide

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadRejectsBadData(t *testing.T) {
	const findings = `{"ok": {"side": "none", "evidence": []}}`
	const good = `{"ok": {"headline": "h {host}", "meaning": "m", "steps": {"windows": ["s"]}, "when_to_call_it": "w", "tell_it": "t", "it_fix": ["f"]}}`
	tests := []struct {
		name, findings, ja, want string
	}{
		{"good", findings, good, ""},
		{"unknown field", findings, strings.Replace(good, `"meaning"`, `"meening"`, 1), "unknown field"},
		{"unknown os", findings, strings.Replace(good, `"windows"`, `"beos"`, 1), "unknown system"},
		{"bad placeholder", findings, strings.Replace(good, "{host}", "{host", 1), "unclosed"},
		{"id not in findings", findings, strings.Replace(good, `"ok"`, `"nope"`, 1), "not in findings.json"},
		{"bad side", `{"ok": {"side": "moon", "evidence": []}}`, good, "side"},
		{"not json", findings, "{", "read guide ja.json"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{
			"findings.json": {Data: []byte(tt.findings)},
			"ja.json":       {Data: []byte(tt.ja)},
			"en.json":       {Data: []byte(good)},
		}
		_, err := Load(fsys)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Error("empty FS: no error")
	}
}

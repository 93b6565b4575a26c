package platform

import (
	"reflect"
	"testing"
)

func TestActionsFor(t *testing.T) {
	all := func(string) bool { return true }
	none := func(string) bool { return false }
	kde := func(p string) bool { return p == "kcmshell5" }
	tests := []struct {
		goos string
		has  func(string) bool
		want []string
	}{
		{"windows", all, []string{ActionDateTime, ActionCertManager}},
		{"darwin", all, []string{ActionDateTime, ActionCertManager}},
		{"linux", all, []string{ActionDateTime}},
		{"linux", none, nil},
		{"plan9", all, nil},
	}
	for _, tc := range tests {
		if got := actionsFor(tc.goos, tc.has); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("actionsFor(%s) = %v, want %v", tc.goos, got, tc.want)
		}
	}
	if c := commandFor("linux", ActionDateTime, kde); len(c) == 0 || c[0] != "kcmshell5" {
		t.Errorf("KDE: %v", c)
	}
}

func TestOpenActionUnknown(t *testing.T) {
	if err := OpenAction("format-disk"); err == nil {
		t.Error("an unknown action was accepted")
	}
}

package lazyre

import "testing"

func TestCompiledOnFirstUseOnly(t *testing.T) {
	r := New(`^a(b+)$`)
	if r.String() != `^a(b+)$` {
		t.Fatalf("String() = %q", r.String())
	}
	if m := r.FindStringSubmatch("abb"); len(m) != 2 || m[1] != "bb" {
		t.Fatalf("FindStringSubmatch = %q", m)
	}
	if r.Re() != r.Re() {
		t.Error("compiled twice")
	}
	found := false
	for _, p := range Patterns() {
		found = found || p == `^a(b+)$`
	}
	if !found {
		t.Error("pattern not recorded")
	}
}

func TestBadPatternPanicsOnUse(t *testing.T) {
	r := New(`(`) // making it must not panic: nothing is compiled yet
	defer func() {
		if recover() == nil {
			t.Error("a bad pattern compiled")
		}
	}()
	r.MatchString("x")
}

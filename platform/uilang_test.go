package platform

import (
	"reflect"
	"testing"
)

func TestParseAppleLanguages(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"(\n    \"ja-JP\",\n    \"en-JP\"\n)\n", []string{"ja-JP", "en-JP"}},
		{"(\n    en\n)\n", []string{"en"}},
		{"", nil},
		{"(\n", nil},
	}
	for _, tc := range tests {
		if got := ParseAppleLanguages(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseAppleLanguages(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

package assets

import (
	"encoding/json"
	"io/fs"
	"testing"
)

func TestGuideFilesAreEmbedded(t *testing.T) {
	for _, name := range []string{"guide/findings.json", "guide/ja.json", "guide/en.json"} {
		data, err := fs.ReadFile(Guide, name)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		var v map[string]json.RawMessage
		if err := json.Unmarshal(data, &v); err != nil {
			t.Errorf("%s is not a JSON object: %v", name, err)
		}
		if len(v) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

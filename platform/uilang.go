package platform

import "strings"

// ParseAppleLanguages reads `defaults read -g AppleLanguages`, an old-style
// plist array such as
//
//	(
//	    "ja-JP",
//	    "en-JP"
//	)
func ParseAppleLanguages(out string) []string {
	var langs []string
	for _, line := range strings.Split(out, "\n") {
		l := strings.Trim(strings.TrimSpace(line), `",`)
		if l == "" || l == "(" || l == ")" {
			continue
		}
		langs = append(langs, l)
	}
	return langs
}

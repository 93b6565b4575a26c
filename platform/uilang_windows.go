package platform

import "golang.org/x/sys/windows"

// UILanguages are the desktop's display languages, most preferred first
// ("ja-JP"): a double-clicked program on Windows has no LANG to read.
func UILanguages() []string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil {
		return nil
	}
	return langs
}

package assets

import _ "embed"

// Icon is vpndoctor's icon, 512x512 PNG, drawn from icon.svg by
// scripts/package-icon.sh. fyne package puts it into the packages; the
// wizard sets it as the window icon for builds made with plain go build.
//
//go:embed icon.png
var Icon []byte
